package probe

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// format renders a value as the short text an annotation carries. Common
// types take a fast path; anything else goes through fmt.
func format(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case struct{}:
		return "{}"
	case nil:
		return "nil"
	case time.Time:
		// A ticker's value: the time of day says all a replay needs.
		return x.Format("15:04:05.000")
	case error:
		s = x.Error()
	case fmt.Stringer:
		s = x.String()
	default:
		s = fmt.Sprint(v)
	}
	return clip(s)
}

// clip cuts s to at most MaxValue bytes on a rune boundary, marking the cut
// with "...", and replaces line breaks so the value stays on one line.
func clip(s string) string {
	if len(s) > MaxValue {
		cut := MaxValue - 3
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
	}
	return s
}
