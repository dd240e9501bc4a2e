package safehttp

import (
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"
)

// A listener whose accept queue is full drops new SYNs, so connecting to it
// hangs: the ConnectTimeout must end the wait.
func TestConnectTimeout(t *testing.T) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	full := false
	for range 16 {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			full = true
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	if !full {
		t.Skip("this kernel never stopped accepting connections on a full backlog")
	}

	c := New(Options{AllowPrivateAddresses: true, ConnectTimeout: 150 * time.Millisecond, Timeout: 5 * time.Second})
	start := time.Now()
	_, err = get(t, c, "http://"+addr+"/")
	elapsed := time.Since(start)
	if !isTimeout(err) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if elapsed > time.Second {
		t.Fatalf("took %v, want about the 150ms connect timeout", elapsed)
	}
}
