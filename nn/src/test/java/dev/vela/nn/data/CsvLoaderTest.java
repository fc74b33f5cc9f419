/*
 * Tests CsvLoader: column selection by name, plain and gzip files, quoting and CRLF, malformed rows reported with
 * the file and line number, and the Otto Group training file from ../shared/data/otto when it is there.
 */
package dev.vela.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

class CsvLoaderTest {
    @TempDir
    Path tmp;

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static final String SMALL = """
            id,a,b,target
            1,0.5,-2,Class_2
            2,3,4e1,Class_1
            3,-1.25,0,Class_2
            """;

    @Test
    void selectsFeaturesAndLabelByName() throws IOException {
        CsvLoader.Data d = new CsvLoader().label("target").drop("id").load(write("s.csv", SMALL));
        assertEquals("(3, 2)", d.features().shape().toString());
        assertEquals(DType.FLOAT32, d.features().dtype());
        assertArrayEquals(new float[] {0.5f, -2f, 3f, 40f, -1.25f, 0f}, d.features().toFloatArray(), 0f);
        assertArrayEquals(new String[] {"Class_2", "Class_1", "Class_2"}, d.labels());
        assertEquals(List.of("a", "b"), d.featureNames());
        assertEquals(3, d.rows());

        CsvLoader.Data picked = new CsvLoader().label("target").features("b", "id").load(tmp.resolve("s.csv"));
        assertArrayEquals(new float[] {-2f, 1f, 40f, 2f, 0f, 3f}, picked.features().toFloatArray(), 0f);
        assertEquals(List.of("b", "id"), picked.featureNames());

        CsvLoader.Data all = new CsvLoader().drop("target").load(tmp.resolve("s.csv"));
        assertEquals("(3, 3)", all.features().shape().toString());
        assertEquals(0, all.labels().length);
    }

    @Test
    void gzipQuotesAndCrlf() throws IOException {
        Path gz = tmp.resolve("s.csv.gz");
        Files.write(gz, MnistTest.gzip(SMALL.getBytes(StandardCharsets.US_ASCII)));
        CsvLoader.Data d = CsvLoader.read(gz, "target", "id");
        assertArrayEquals(new float[] {0.5f, -2f, 3f, 40f, -1.25f, 0f}, d.features().toFloatArray(), 0f);

        Path q = write("q.csv", "x,\"the label\"\r\n1,\"a, \"\"quoted\"\" one\"\r\n\r\n2,plain\r\n");
        CsvLoader.Data dq = new CsvLoader().label("the label").load(q);
        assertArrayEquals(new String[] {"a, \"quoted\" one", "plain"}, dq.labels());
        assertArrayEquals(new float[] {1, 2}, dq.features().toFloatArray(), 0f);

        Path semi = write("semi.csv", "u;v\n1;2\n3;4\n");
        assertArrayEquals(new float[] {1, 2, 3, 4},
                new CsvLoader().delimiter(';').load(semi).features().toFloatArray(), 0f);
    }

    @Test
    void wrongFieldCountNamesFileAndLine() throws IOException {
        Path p = write("bad.csv", "id,a,b,target\n1,1,2,A\n\n2,3,B\n3,4,5,C\n");
        IOException e = assertThrows(IOException.class, () -> new CsvLoader().label("target").drop("id").load(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()) && m.contains("line 4"), m);       // the blank line 3 is counted
        assertTrue(m.contains("expected 4 fields") && m.contains("got 3"), m);
    }

    @Test
    void nonNumericFeatureNamesFileLineAndColumn() throws IOException {
        Path p = write("bad.csv", "id,a,b,target\n1,1,2,A\n2,3,x1,B\n");
        IOException e = assertThrows(IOException.class, () -> new CsvLoader().label("target").drop("id").load(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()) && m.contains("line 3") && m.contains("'b'") && m.contains("'x1'"), m);

        Path empty = write("e.csv", "a,b\n1,\n");
        e = assertThrows(IOException.class, () -> new CsvLoader().load(empty));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("empty field"), e.getMessage());

        Path javaish = write("j.csv", "a\n1f\n");
        e = assertThrows(IOException.class, () -> new CsvLoader().load(javaish));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("'1f'"), e.getMessage());

        // labels are not parsed; and a file named .gz that holds plain text is read as plain text
        Path gz = write("plain.csv.gz", "v,label\n7,x1\n");
        CsvLoader.Data d = new CsvLoader().label("label").load(gz);
        assertArrayEquals(new String[] {"x1"}, d.labels());
        assertArrayEquals(new float[] {7}, d.features().toFloatArray(), 0f);
    }

    @Test
    void unknownColumnsAndEmptyFiles() throws IOException {
        Path p = write("s.csv", SMALL);
        IOException e = assertThrows(IOException.class, () -> new CsvLoader().label("label").load(p));
        assertTrue(e.getMessage().contains("no label column 'label'") && e.getMessage().contains("[id, a, b, target]"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> new CsvLoader().label("target").drop("ID").load(p));
        assertTrue(e.getMessage().contains("'ID'"), e.getMessage());
        Path empty = write("empty.csv", "\n\n");
        e = assertThrows(IOException.class, () -> new CsvLoader().load(empty));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("empty file"), e.getMessage());
    }

    @Test
    void ottoTrainingSet() throws IOException {
        Path otto = Path.of(System.getProperty("vela.shared", "../../shared")).resolve("data/otto/train.csv.gz");
        Assumptions.assumeTrue(Files.isRegularFile(otto), "the Otto Group file is not available at "
                + otto.toAbsolutePath() + "; skipping");
        CsvLoader.Data d = new CsvLoader().label("target").drop("id").load(otto);
        assertEquals("(61878, 93)", d.features().shape().toString());
        assertEquals(61878, d.labels().length);
        assertEquals("feat_1", d.featureNames().get(0));
        assertEquals("feat_93", d.featureNames().get(92));
        Map<String, Integer> counts = new TreeMap<>();
        for (String s : d.labels()) counts.merge(s, 1, Integer::sum);
        assertEquals(Map.of("Class_1", 1929, "Class_2", 16122, "Class_3", 8004, "Class_4", 2691, "Class_5", 2739,
                "Class_6", 14135, "Class_7", 2839, "Class_8", 8464, "Class_9", 4955), counts);
        float[] x = d.features().toFloatArray();
        float max = 0;
        for (float v : x) {
            assertTrue(v >= 0 && v == Math.rint(v), "counts are non-negative integers");
            max = Math.max(max, v);
        }
        assertEquals(352f, max, 0f);

        LabelEncoder enc = new LabelEncoder();
        int[] y = enc.fitTransform(d.labels());
        assertEquals(9, enc.numClasses());
        assertEquals(0, y[0]);
        assertEquals(8, y[y.length - 1]);

        // the id column, read as a feature, is 1..61878 in order
        float[] ids = new CsvLoader().features("id").load(otto).features().toFloatArray();
        for (int i = 0; i < ids.length; i++) assertEquals(i + 1, ids[i], 0f);
    }
}
