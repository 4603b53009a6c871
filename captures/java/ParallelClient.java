// Two (or more) HTTPS POSTs at once from a thread pool, as an integration server's worker pool
// makes them: one HttpsURLConnection per pool thread, all released together by a latch so their
// handshakes (and their javax.net.debug lines) interleave. Same configuration as SoapClient:
// only the standard javax.net.ssl.* system properties. Usage: java ParallelClient URL URL...
import java.io.*;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import javax.net.ssl.HttpsURLConnection;

public class ParallelClient {
    static String call(String url) {
        try {
            HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "text/xml; charset=utf-8");
            byte[] body = "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body/></soapenv:Envelope>"
                .getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(body.length);
            try (OutputStream o = c.getOutputStream()) { o.write(body); }
            int status = c.getResponseCode();
            InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
            if (in != null) { in.readAllBytes(); }
            return url + " HTTP " + status;
        } catch (IOException e) {
            return url + " " + e;
        }
    }

    public static void main(String[] args) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(args.length);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (String url : args) {
            results.add(pool.submit(() -> { go.await(); return call(url); }));
        }
        go.countDown();
        for (Future<String> f : results) { System.out.println(f.get(20, TimeUnit.SECONDS)); }
        pool.shutdown();
    }
}
