// Prints the alias order JSSE sees (KeyStore.aliases()) for each keystore: the order the PKIX key
// manager walks, and the insertion order of SunX509's HashMap. Usage: java KeystoreOrder.java PASSWORD FILE...
import java.io.File;
import java.security.KeyStore;
import java.util.*;
public class KeystoreOrder {
    public static void main(String[] a) throws Exception {
        for (int i = 1; i < a.length; i++) {
            KeyStore ks = KeyStore.getInstance(new File(a[i]), a[0].toCharArray());
            System.out.println(a[i] + " " + ks.getType() + " " + String.join(",", Collections.list(ks.aliases())));
        }
    }
}
