package safehttp

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// dialer opens every connection the Client makes. The address policy runs in
// net.Dialer.ControlContext, which the operating system's connect is only
// called after: it sees the exact IP address and port the socket is about to
// reach, after DNS, for every connection (each redirect hop, each new
// keep-alive connection, each address of a multi-address answer). Checking a
// name's addresses before dialing would not do: the name could resolve again,
// differently, when the connection is made (DNS rebinding).
type dialer struct {
	opts Options
	net  net.Dialer
}

// control is net.Dialer.ControlContext: it refuses the socket before connect.
func (d *dialer) control(_ context.Context, network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return &BlockedAddressError{Reason: "network " + network + " is not TCP"}
	}
	return d.checkDialAddress(address)
}

// checkDialAddress applies the policy to the "ip:port" a socket connects to.
// It fails closed: an address that does not parse is refused.
func (d *dialer) checkDialAddress(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &BlockedAddressError{Reason: "unparsable dial address"}
	}
	addr := ap.Addr()
	if d.opts.AllowPrivateAddresses {
		return checkLoose(addr)
	}
	if d.opts.permit != nil && d.opts.permit(addr) {
		return nil
	}
	return CheckAddr(addr)
}

// dial is http.Transport.DialContext. Without Options.Resolve the system
// resolver answers and net.Dialer tries each address (each through control);
// with it, the addresses it returns are tried in order, each through control.
func (d *dialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var conn net.Conn
	var err error
	if d.opts.Resolve == nil || isIPLiteral(address) {
		// An IP literal is its own answer: the test resolver is not asked.
		conn, err = d.net.DialContext(ctx, network, address)
	} else {
		conn, err = d.dialResolved(ctx, network, address)
	}
	if err != nil {
		return nil, err
	}
	return &deadlineConn{Conn: conn, timeout: d.opts.ReadTimeout}, nil
}

func (d *dialer) dialResolved(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := d.opts.Resolve(ctx, host, port)
	if err != nil {
		return nil, &net.DNSError{Err: err.Error(), Name: host, IsNotFound: true}
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	var errs []error
	for _, ap := range addrs {
		conn, err := d.net.DialContext(ctx, network, ap.String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func isIPLiteral(address string) bool {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return false
	}
	_, err = netip.ParseAddr(host)
	return err == nil
}

// deadlineConn gives every read and write ReadTimeout to make progress, so a
// peer that stops sending (or reading) mid-response fails the request without
// waiting for the whole-request Timeout. Writing a request also restarts the
// read deadline, since the peer's answer is due from then on.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	deadline := time.Now().Add(c.timeout)
	if err := c.Conn.SetWriteDeadline(deadline); err != nil {
		return 0, err
	}
	if err := c.Conn.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
