package results

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// EncodedCell is a cell of a delta or a cube in a compact form for storage: the indexes
// of its non-zero slots in a list of slot names shared by the document, and their counts.
// A delta cell's Key holds every dimension's value; a cube cell's Key is empty for the
// whole survey or holds a dimension's number and a value.
type EncodedCell struct {
	Key    []string
	N      int64
	Slots  []int32
	Counts []int64
}

type encoder struct {
	index map[string]int32
	slots []string
}

func (e *encoder) slot(name string) int32 {
	if i, ok := e.index[name]; ok {
		return i
	}
	i := int32(len(e.slots))
	e.index[name] = i
	e.slots = append(e.slots, name)
	return i
}

// Encode returns the delta's slot names and cells.
func (d *Delta) Encode() (slots []string, cells []EncodedCell) {
	e := &encoder{index: map[string]int32{}}
	keys := make([]Key, 0, len(d.Cells))
	for k := range d.Cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		for x := range keys[i] {
			if keys[i][x] != keys[j][x] {
				return keys[i][x] < keys[j][x]
			}
		}
		return false
	})
	for _, k := range keys {
		c := d.Cells[k]
		ec := EncodedCell{Key: k[:], N: c.N}
		names := make([]string, 0, len(c.Slots))
		for name, n := range c.Slots {
			if n != 0 {
				names = append(names, name)
			}
		}
		sort.Strings(names)
		for _, name := range names {
			ec.Slots = append(ec.Slots, e.slot(name))
			ec.Counts = append(ec.Counts, c.Slots[name])
		}
		cells = append(cells, ec)
	}
	return e.slots, cells
}

// DecodeDelta rebuilds a delta from Encode's output.
func DecodeDelta(survey string, slots []string, cells []EncodedCell) (*Delta, error) {
	d := NewDelta(survey)
	for _, ec := range cells {
		if len(ec.Key) != int(nDims) || len(ec.Slots) != len(ec.Counts) {
			return nil, fmt.Errorf("results: malformed delta cell %v", ec.Key)
		}
		var k Key
		copy(k[:], ec.Key)
		c := d.Cells[k]
		if c == nil {
			c = &DeltaCell{Slots: map[string]int64{}}
			d.Cells[k] = c
		}
		c.N += ec.N
		for i, j := range ec.Slots {
			if j < 0 || int(j) >= len(slots) {
				return nil, fmt.Errorf("results: delta slot %d out of range", j)
			}
			c.Slots[slots[j]] += ec.Counts[i]
		}
	}
	return d, nil
}

// Encode returns the cube's slot names and cells: the whole survey, then every value of
// every dimension.
func (c *Cube) Encode() (slots []string, cells []EncodedCell) {
	enc := func(key []string, v *vec) EncodedCell {
		ec := EncodedCell{Key: key, N: v.n}
		for j, n := range v.c {
			if n != 0 {
				ec.Slots = append(ec.Slots, int32(j))
				ec.Counts = append(ec.Counts, n)
			}
		}
		return ec
	}
	cells = append(cells, enc(nil, &c.total))
	for d := range nDims {
		values := make([]string, 0, len(c.views[d]))
		for v := range c.views[d] {
			values = append(values, v)
		}
		sort.Strings(values)
		for _, v := range values {
			if w := c.views[d][v]; w.n != 0 || len(w.c) > 0 {
				cells = append(cells, enc([]string{strconv.Itoa(int(d)), v}, w))
			}
		}
	}
	return append([]string(nil), c.slots...), cells
}

// DecodeCube rebuilds a cube from Encode's output.
func DecodeCube(survey string, slots []string, cells []EncodedCell) (*Cube, error) {
	c := NewCube(survey)
	for _, s := range slots {
		c.slot(s)
	}
	if len(c.slots) != len(slots) {
		return nil, fmt.Errorf("results: duplicate slot names in a stored cube")
	}
	for _, ec := range cells {
		if len(ec.Slots) != len(ec.Counts) {
			return nil, fmt.Errorf("results: malformed cube cell %v", ec.Key)
		}
		idx := make([]int, len(ec.Slots))
		for i, j := range ec.Slots {
			if j < 0 || int(j) >= len(slots) {
				return nil, fmt.Errorf("results: cube slot %d out of range", j)
			}
			idx[i] = int(j)
		}
		switch len(ec.Key) {
		case 0:
			c.total.add(ec.N, idx, ec.Counts)
		case 2:
			d, err := strconv.Atoi(ec.Key[0])
			if err != nil || d < 0 || d >= int(nDims) {
				return nil, fmt.Errorf("results: bad dimension %q in a stored cube", ec.Key[0])
			}
			v := c.views[d][ec.Key[1]]
			if v == nil {
				v = &vec{}
				c.views[d][ec.Key[1]] = v
			}
			v.add(ec.N, idx, ec.Counts)
		default:
			return nil, fmt.Errorf("results: bad key %v in a stored cube", ec.Key)
		}
	}
	c.gen++
	return c, nil
}

// MergeCube adds another cube's counts (a stored snapshot into a fresh cube).
func (c *Cube) MergeCube(o *Cube) {
	c.gen++
	remap := make([]int, len(o.slots))
	for j, name := range o.slots {
		remap[j] = c.slot(name)
	}
	add := func(dst, src *vec) {
		idx := make([]int, 0, len(src.c))
		counts := make([]int64, 0, len(src.c))
		for j, n := range src.c {
			if n != 0 {
				idx, counts = append(idx, remap[j]), append(counts, n)
			}
		}
		dst.add(src.n, idx, counts)
	}
	add(&c.total, &o.total)
	for d := range nDims {
		for k, v := range o.views[d] {
			w := c.views[d][k]
			if w == nil {
				w = &vec{}
				c.views[d][k] = w
			}
			add(w, v)
		}
	}
}

// PackCells encodes cells in a compact binary form for storage, with a dictionary of
// the strings in their keys: far cheaper for the embedded store than arrays of numbers.
func PackCells(cells []EncodedCell) (keys []string, data []byte) {
	index := map[string]uint64{}
	for _, c := range cells {
		data = binary.AppendUvarint(data, uint64(len(c.Key)))
		for _, k := range c.Key {
			i, ok := index[k]
			if !ok {
				i = uint64(len(keys))
				index[k] = i
				keys = append(keys, k)
			}
			data = binary.AppendUvarint(data, i)
		}
		data = binary.AppendVarint(data, c.N)
		data = binary.AppendUvarint(data, uint64(len(c.Slots)))
		for i, s := range c.Slots {
			data = binary.AppendUvarint(data, uint64(s))
			data = binary.AppendVarint(data, c.Counts[i])
		}
	}
	return keys, data
}

// UnpackCells decodes PackCells's output.
func UnpackCells(keys []string, data []byte) ([]EncodedCell, error) {
	var out []EncodedCell
	bad := errors.New("results: malformed packed cells")
	uv := func() (uint64, error) {
		v, n := binary.Uvarint(data)
		if n <= 0 {
			return 0, bad
		}
		data = data[n:]
		return v, nil
	}
	sv := func() (int64, error) {
		v, n := binary.Varint(data)
		if n <= 0 {
			return 0, bad
		}
		data = data[n:]
		return v, nil
	}
	for len(data) > 0 {
		var c EncodedCell
		nk, err := uv()
		if err != nil || nk > 16 {
			return nil, bad
		}
		for range nk {
			i, err := uv()
			if err != nil || i >= uint64(len(keys)) {
				return nil, bad
			}
			c.Key = append(c.Key, keys[i])
		}
		if c.N, err = sv(); err != nil {
			return nil, err
		}
		ns, err := uv()
		if err != nil || ns > uint64(len(data)) {
			return nil, bad
		}
		c.Slots, c.Counts = make([]int32, ns), make([]int64, ns)
		for i := range ns {
			s, err := uv()
			if err != nil || s > 1<<31-1 {
				return nil, bad
			}
			c.Slots[i] = int32(s)
			if c.Counts[i], err = sv(); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// Digest returns a short hex digest of the cube's counts that does not depend on the
// order slots were first seen in: the same counts give the same digest on any instance.
func (c *Cube) Digest() string {
	h := sha256.New()
	write := func(key string, v *vec) {
		type sc struct {
			name string
			n    int64
		}
		var xs []sc
		for j, n := range v.c {
			if n != 0 {
				xs = append(xs, sc{c.slots[j], n})
			}
		}
		if v.n == 0 && len(xs) == 0 {
			return
		}
		sort.Slice(xs, func(i, j int) bool { return xs[i].name < xs[j].name })
		fmt.Fprintf(h, "%s\x00%d\x00", key, v.n)
		for _, x := range xs {
			fmt.Fprintf(h, "%s=%d\x00", x.name, x.n)
		}
		h.Write([]byte{'\n'})
	}
	write("", &c.total)
	for d := range nDims {
		values := make([]string, 0, len(c.views[d]))
		for v := range c.views[d] {
			values = append(values, v)
		}
		sort.Strings(values)
		for _, v := range values {
			write(strconv.Itoa(int(d))+"|"+v, c.views[d][v])
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}
