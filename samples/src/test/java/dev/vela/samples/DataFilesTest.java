/*
 * Checks where the samples look for their data, and what they say when it is missing.
 */
package dev.vela.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {

    @Test
    void theDataOptionComesFirst(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve("otto"));
        Files.write(data.resolve("otto").resolve("train.csv.gz"), new byte[0]);
        DataFiles.Found found = DataFiles.find(data.toString(), "otto", d -> OttoSoftmax.trainFile(d) != null);
        assertEquals(data.resolve("otto").toAbsolutePath().normalize(), found.folder().orElseThrow());
        assertTrue(found.tried().isEmpty(), "found at the first place tried");
        // the folder holding the file itself works too
        found = DataFiles.find(data.resolve("otto").toString(), "otto", d -> OttoSoftmax.trainFile(d) != null);
        assertEquals(data.resolve("otto").toAbsolutePath().normalize(), found.folder().orElseThrow());
    }

    @Test
    void missingDataListsEveryPlaceTriedAndHowToGetIt(@TempDir Path data) {
        DataFiles.Found found = DataFiles.find(data.toString(), "mnist", d -> false);
        assertTrue(found.folder().isEmpty());
        assertEquals(data.resolve("mnist").toAbsolutePath().normalize() + " (--data)", found.tried().get(0));
        assertTrue(found.tried().stream().anyMatch(t -> t.contains("~/.vela/datasets")), found.triedText());
        assertEquals(found.tried().size(), found.tried().stream().distinct().count(), "no place is listed twice");
        String help = MnistMlp.howToGetIt(found);
        assertTrue(help.contains(found.triedText()) && help.contains("--data DIR") && help.contains("Mnist.download"), help);
    }
}
