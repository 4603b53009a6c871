// Asks the JDK's own key managers which alias they would choose for a client certificate,
// for the scenarios in sunx509-choices.txt (read by src/identity/tests.rs).
// Usage: java ChooseAlias.java KEYSTORE STOREPASS ROOT_CA_PEM ISSUING_CA_PEM
import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.Principal;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

public class ChooseAlias {
    public static void main(String[] a) throws Exception {
        char[] pw = a[1].toCharArray();
        KeyStore ks = KeyStore.getInstance(new java.io.File(a[0]), pw);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate root = (X509Certificate) cf.generateCertificate(new FileInputStream(a[2]));
        X509Certificate inter = (X509Certificate) cf.generateCertificate(new FileInputStream(a[3]));
        Principal[][] issuers = { null, { root.getSubjectX500Principal() }, { inter.getSubjectX500Principal() } };
        String[] issuerNames = { "any", "root", "issuing" };
        String[][] keyTypes = { { "RSA" }, { "EC" }, { "EC", "RSA" } };
        for (String alg : new String[] { "SunX509", "NewSunX509" }) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(alg);
            kmf.init(ks, pw);
            X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
            for (int i = 0; i < issuers.length; i++) {
                for (String[] kt : keyTypes) {
                    String chosen = km.chooseClientAlias(kt, issuers[i], null);
                    if (chosen != null && alg.equals("NewSunX509")) {
                        // PKIX aliases look like "1.0.client": counter, builder index, alias.
                        chosen = chosen.split("\\.", 3)[2];
                    }
                    System.out.println(alg + " " + issuerNames[i] + " " + String.join(",", kt) + " " + chosen);
                }
            }
        }
    }
}
