#!/usr/bin/python3
"""A small HTTPS (or plain HTTP) SOAP endpoint that demands HTTP authentication, for tests of
`tlsdiag probe --user/--negotiate` (tests/auth.rs) and for trying the probe by hand.

  --auth negotiate   SPNEGO/Kerberos (RFC 4559) with Debian's python3-gssapi (MIT); the service
                     key comes from KRB5_KTNAME. A valid token gets 200 and the mutual-auth token
                     in `WWW-Authenticate: Negotiate <token>`; a token it cannot accept gets 401
                     again (what IIS/WebSphere do when they hold no key for the SPN).
  --auth basic       Basic against --basic-user and the first line of --basic-password-file.
  --auth none        no HTTP authentication (with --deny STATUS: always that status).
  --client-ca FILE   require a TLS client certificate issued under FILE.

Prints `PORT <n>` on stdout once listening on 127.0.0.1 (port 0 = any free port), logs one
line per request on stderr; with --exit-with-parent / --max-seconds it ends by itself (the tests
also stop it by its PID).
Run with /usr/bin/python3 (Debian's gssapi module).
"""
import argparse
import base64
import http.server
import os
import ssl
import sys
import threading
import time

ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
    "<soapenv:Body><ok user=\"{user}\"/></soapenv:Body></soapenv:Envelope>"
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--plain", action="store_true", help="plain HTTP, no TLS")
    ap.add_argument("--auth", choices=["negotiate", "basic", "none"], default="none")
    ap.add_argument("--realm", default="tlsdiag-test")
    ap.add_argument("--basic-user", default="alice")
    ap.add_argument("--basic-password-file")
    ap.add_argument("--client-ca")
    ap.add_argument("--deny", type=int, default=0, help="with --auth none: answer this status")
    ap.add_argument("--no-mutual-token", action="store_true")
    ap.add_argument("--max-seconds", type=float, default=0.0, help="exit after this long (0: never)")
    ap.add_argument("--exit-with-parent", action="store_true", help="exit when the parent process ends")
    args = ap.parse_args()

    basic_password = None
    if args.basic_password_file:
        with open(args.basic_password_file, encoding="utf-8") as f:
            basic_password = f.readline().rstrip("\r\n")

    server_creds = None
    if args.auth == "negotiate":
        import gssapi  # Debian python3-gssapi

        server_creds = gssapi.Credentials(usage="accept")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            sys.stderr.write("soap_server: " + (fmt % a) + "\n")

        def answer(self, status, headers=(), body=b""):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def ok(self, user, headers=()):
            self.answer(200, headers, ENVELOPE.format(user=user).encode())

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(min(n, 1 << 20))
            self.handle_auth()

        def do_GET(self):
            self.handle_auth()

        def handle_auth(self):
            authz = self.headers.get("Authorization") or ""
            scheme, _, value = authz.partition(" ")
            if args.auth == "none":
                if args.deny:
                    self.answer(args.deny, body=b"<html>Forbidden: no user for this certificate</html>")
                else:
                    self.ok("anonymous")
                return
            if args.auth == "basic":
                if scheme.lower() == "basic":
                    try:
                        user, _, pw = base64.b64decode(value).decode().partition(":")
                    except Exception:  # noqa: BLE001 - a bad header is a 401 like any other
                        user, pw = "", None
                    if user == args.basic_user and pw == basic_password:
                        self.ok(user)
                        return
                    self.log_message("basic: refused user %r", user)
                self.answer(401, [("WWW-Authenticate", 'Basic realm="%s"' % args.realm)])
                return
            # Negotiate (RFC 4559)
            if scheme.lower() != "negotiate" or not value:
                self.answer(401, [("WWW-Authenticate", "Negotiate")])
                return
            import gssapi

            try:
                ctx = gssapi.SecurityContext(creds=server_creds, usage="accept")
                out = ctx.step(base64.b64decode(value))
                complete = ctx.complete  # python-gssapi raises a deferred error here
                initiator = str(ctx.initiator_name) if complete else None
            except gssapi.exceptions.GSSError as e:
                self.log_message("negotiate: %s", e)
                self.answer(401, [("WWW-Authenticate", "Negotiate")])
                return
            if not complete:
                self.answer(401, [("WWW-Authenticate", "Negotiate " + base64.b64encode(out or b"").decode())])
                return
            headers = []
            if out and not args.no_mutual_token:
                headers.append(("WWW-Authenticate", "Negotiate " + base64.b64encode(out).decode()))
            self.ok(initiator, headers)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    if not args.plain:
        sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sc.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            sc.verify_mode = ssl.CERT_REQUIRED
            sc.load_verify_locations(args.client_ca)
        srv.socket = sc.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)

    parent = os.getppid()
    started = time.monotonic()

    def watchdog():
        while args.max_seconds <= 0 or time.monotonic() - started < args.max_seconds:
            if args.exit_with_parent and os.getppid() != parent:
                break
            time.sleep(0.2)
        os._exit(0)

    threading.Thread(target=watchdog, daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
