package mongodb

// Translate exposes translate to the tests.
var Translate = translate
