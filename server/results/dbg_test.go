package results_test

import (
	"fmt"
	"os"
)

func debugVals(name string, vals []published) {
	if os.Getenv("DBG") != name {
		return
	}
	for _, v := range vals {
		fmt.Printf("r%d %-40s shown=%v value=%d\n", v.report, v.what, v.shown, v.value)
	}
}
