package scenarios

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/gocspviz/gocspviz/tracer/probe"
)

// The parallel loop of section 8.5, in the form of the book's last
// makeThumbnails: one goroutine per file decodes a JPEG, scales it down and
// writes the thumbnail, then sends the thumbnail's size on sizes. A
// sync.WaitGroup counts the workers, and a closer goroutine closes sizes
// once they are all done, so that the main goroutine's loop over sizes
// ends with the total.
//
// Errors come back through the channel too: a worker that fails sends its
// error on sizes instead of a size, and the main goroutine prints it, as
// the book's version logs it. -bad adds a file that is not a JPEG, to see
// one.
//
// Left out on purpose: the book's thumbnail package. The scenario writes
// its own -files images with image/jpeg into a temporary directory, which
// it removes, and scales them with a plain nearest-neighbour loop. The
// file names come in a slice rather than the book's channel of names.
func init() {
	register(Scenario{
		Name:    "thumbnails",
		Section: "8.5",
		Summary: "one goroutine per file; a WaitGroup and a closer end the loop",
		Setup: func(fs *flag.FlagSet) Main {
			files := fs.Int("files", 8, "how many JPEG files to make thumbnails of")
			width := fs.Int("width", 1024, "width of each JPEG in pixels; the height is 3/4 of it")
			bad := fs.Bool("bad", false, "add a file that is not a JPEG, whose thumbnail fails")
			return func(ctx context.Context, out io.Writer) (err error) {
				if *files < 0 || *width < 4 {
					return fmt.Errorf("thumbnails: -files must not be negative, -width at least 4")
				}
				dir, err := os.MkdirTemp("", "gocspviz-thumbnails-")
				if err != nil {
					return fmt.Errorf("thumbnails: %w", err)
				}
				defer func() {
					if rmErr := os.RemoveAll(dir); rmErr != nil && err == nil {
						err = fmt.Errorf("thumbnails: remove temporary directory: %w", rmErr)
					}
				}()

				names, err := writeJPEGs(ctx, dir, *files, *width, *bad)
				if err != nil {
					return err
				}
				total, errs := makeThumbnails(ctx, names)
				for _, e := range errs {
					fmt.Fprintln(out, e)
				}
				fmt.Fprintf(out, "%d thumbnails, %d bytes\n", len(names)-len(errs), total)
				if inspectThumbnails != nil {
					inspectThumbnails(dir)
				}
				return nil
			}
		},
	})
}

// inspectThumbnails, if set, is called with the temporary directory just
// before it is removed. Tests set it; it is nil otherwise.
var inspectThumbnails func(dir string)

// thumbSize is what a worker sends on sizes: the size in bytes of the
// thumbnail it wrote, or the error that stopped it.
type thumbSize struct {
	bytes int64
	err   error
}

// String is how a value on sizes reads in the trace.
func (s thumbSize) String() string {
	if s.err != nil {
		return "error: " + s.err.Error()
	}
	return strconv.FormatInt(s.bytes, 10)
}

// makeThumbnails makes a thumbnail of every file in parallel and returns
// the total size of the thumbnails it wrote and the errors of those it
// could not.
func makeThumbnails(ctx context.Context, filenames []string) (total int64, errs []error) {
	sizes := probe.NewChan[thumbSize]("sizes", 0)
	var wg sync.WaitGroup
	for _, f := range filenames {
		wg.Add(1)
		go thumbnailWorker(ctx, f, sizes, &wg)
	}
	go closeSizes(&wg, sizes)

	for s := range sizes.All() {
		if s.err != nil {
			errs = append(errs, s.err)
			continue
		}
		total += s.bytes
	}
	return total, errs
}

// thumbnailWorker makes the thumbnail of one file and sends its size, or
// the error, on sizes.
func thumbnailWorker(ctx context.Context, f string, sizes probe.Sender[thumbSize],
	wg *sync.WaitGroup) {
	defer wg.Done()
	thumb, err := thumbnailFile(ctx, f)
	var info os.FileInfo
	if err == nil {
		info, err = os.Stat(thumb)
	}
	if err != nil {
		sizes.Send(thumbSize{err: err})
		return
	}
	sizes.Send(thumbSize{bytes: info.Size()})
}

// closeSizes is the closer: it closes sizes once every worker is done.
func closeSizes(wg *sync.WaitGroup, sizes probe.Sender[thumbSize]) {
	wg.Wait()
	sizes.Close()
}

// thumbnailFile decodes the JPEG file f, scales it to fit in 128 by 128
// pixels and writes it next to f as NAME.thumb.jpg, whose path it returns.
func thumbnailFile(ctx context.Context, f string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("thumbnails: %s: %w", filepath.Base(f), err)
	}
	in, err := os.Open(f)
	if err != nil {
		return "", fmt.Errorf("thumbnails: %w", err)
	}
	defer in.Close()
	img, err := jpeg.Decode(in)
	if err != nil {
		return "", fmt.Errorf("thumbnails: decode %s: %w", filepath.Base(f), err)
	}
	thumb := strings.TrimSuffix(f, filepath.Ext(f)) + ".thumb.jpg"
	return thumb, writeJPEG(thumb, scaleToFit(img, 128))
}

// scaleToFit returns src scaled down, by picking the nearest pixel, to fit
// in a box of side by side pixels; a smaller src is copied as it is.
func scaleToFit(src image.Image, side int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	tw, th := w, h
	if w > side || h > side {
		tw, th = max(1, w*side/max(w, h)), max(1, h*side/max(w, h))
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		for x := range tw {
			dst.Set(x, y, src.At(b.Min.X+x*w/tw, b.Min.Y+y*h/th))
		}
	}
	return dst
}

// writeJPEGs writes n JPEG images of the given width into dir, each with
// its own pattern, and, if bad, one file that is not a JPEG at all. It
// returns the files' paths, fewer of them if ctx is done first.
func writeJPEGs(ctx context.Context, dir string, n, width int, bad bool) ([]string, error) {
	var names []string
	height := width * 3 / 4
	for i := 0; i < n && ctx.Err() == nil; i++ {
		img := image.NewRGBA(image.Rect(0, 0, width, height))
		for y := range height {
			for x := range width {
				img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / width), uint8(y * 255 / height),
					uint8(x*y/(i+1) + 40*i), 255})
			}
		}
		names = append(names, filepath.Join(dir, fmt.Sprintf("photo%02d.jpg", i+1)))
		if err := writeJPEG(names[i], img); err != nil {
			return nil, err
		}
	}
	if bad {
		name := filepath.Join(dir, "broken.jpg")
		if err := os.WriteFile(name, []byte("not a JPEG\n"), 0o644); err != nil {
			return nil, fmt.Errorf("thumbnails: %w", err)
		}
		names = append(names, name)
	}
	return names, nil
}

// writeJPEG writes img to the file name; a failed Close loses data, so it
// counts as a failure too.
func writeJPEG(name string, img image.Image) error {
	w, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("thumbnails: %w", err)
	}
	if err := errors.Join(jpeg.Encode(w, img, nil), w.Close()); err != nil {
		return fmt.Errorf("thumbnails: write %s: %w", filepath.Base(name), err)
	}
	return nil
}
