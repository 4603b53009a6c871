// A minimal JSSE SOAP client, as an integration server would make the call: HttpsURLConnection
// with the JVM's default SSLContext, configured only through the standard system properties
// (javax.net.ssl.keyStore/keyStorePassword/trustStore/...; ssl.KeyManagerFactory.algorithm
// defaults to SunX509). Usage: java SoapClient URL [SOAPAction]
import java.io.*;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.HttpsURLConnection;

public class SoapClient {
    public static void main(String[] args) throws Exception {
        String envelope = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:tns=\"urn:partner:orders\">"
            + "<soapenv:Header/><soapenv:Body><tns:request><tns:orderId>4711</tns:orderId></tns:request></soapenv:Body>"
            + "</soapenv:Envelope>";
        HttpsURLConnection c = (HttpsURLConnection) new URL(args[0]).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "text/xml; charset=utf-8");
        c.setRequestProperty("SOAPAction", "\"" + (args.length > 1 ? args[1] : "urn:partner:orders/submit") + "\"");
        byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
        c.setFixedLengthStreamingMode(body.length);
        try {
            try (OutputStream o = c.getOutputStream()) { o.write(body); }
            int status = c.getResponseCode();
            System.out.println("HTTP " + status);
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            if (in != null) { in.readAllBytes(); }
        } catch (IOException e) {
            // The failure the user sees, e.g. javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure
            System.out.println(e);
            System.exit(1);
        }
    }
}
