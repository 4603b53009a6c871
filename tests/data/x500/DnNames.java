// Prints Java's RFC 2253 rendering of each certificate's subject: X500Principal.getName(), the
// text tests/x509_names.rs compares tlsdiag's with. Usage: java DnNames.java FILE.pem...
// One line per file: "<file>\t<name>", or "<file>\tERROR <exception>" when Java cannot read it.
import java.io.FileInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

public class DnNames {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (String f : args) {
            try (FileInputStream in = new FileInputStream(f)) {
                X509Certificate c = (X509Certificate) cf.generateCertificate(in);
                out.println(f + "\t" + c.getSubjectX500Principal().getName());
            } catch (Exception e) {
                out.println(f + "\tERROR " + e.getClass().getName());
            }
        }
    }
}
