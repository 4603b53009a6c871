// A minimal Go crypto/tls client, as a Go service makes an mTLS call: tls.Config.Certificates
// holds the given certificate/key pairs in order, and Go itself picks the first whose
// CertificateRequestInfo.SupportsCertificate passes (signature scheme, and a RawIssuer
// byte-equal to a listed CA), else it sends an empty Certificate.
// Usage: client ADDR CA_PEM [CERT_PEM KEY_PEM]...
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: client ADDR CA_PEM [CERT_PEM KEY_PEM]...")
		os.Exit(2)
	}
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	pool.AppendCertsFromPEM(ca)
	var certs []tls.Certificate
	for i := 3; i+1 < len(os.Args); i += 2 {
		c, err := tls.LoadX509KeyPair(os.Args[i], os.Args[i+1])
		if err != nil {
			panic(err)
		}
		certs = append(certs, c)
	}
	cfg := &tls.Config{
		RootCAs:      pool,
		ServerName:   "partner.test",
		Certificates: certs,
		MaxVersion:   tls.VersionTLS12,
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", os.Args[1], cfg)
	if err != nil {
		fmt.Println("handshake:", err)
		os.Exit(1)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST /orders HTTP/1.1\r\nHost: partner.test\r\nContent-Length: 0\r\n\r\n")
	buf := make([]byte, 4096)
	n, err := conn.Read(buf)
	if err != nil {
		fmt.Println("read:", err)
		os.Exit(1)
	}
	fmt.Printf("%d bytes: %q\n", n, string(buf[:min(n, 40)]))
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
