package dev.vela.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.DType;
import dev.vela.spi.View;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * im2col for conv2d: the float path copies a patch row at once; its output must equal, element by element, a
 * direct reading of the definition (padding value outside the image).
 */
class PatchesTest {
    @ParameterizedTest
    @CsvSource({
        // n, h, w, c, kh, kw, sh, sw, padTop, padLeft
        "2, 7, 6, 3, 3, 3, 1, 1, 1, 1",
        "1, 5, 5, 2, 3, 3, 2, 2, 1, 1",
        "2, 6, 9, 4, 2, 4, 1, 3, 0, 2",
        "1, 4, 4, 1, 5, 5, 1, 1, 2, 2",   // kernel wider than the image once padded
        "1, 3, 8, 5, 1, 3, 1, 2, 0, 0",
        "1, 2, 2, 3, 3, 3, 1, 1, 3, 3"})  // padding so large that whole patches are outside
    void floatPatchesFollowTheDefinition(int n, int h, int w, int c, int kh, int kw, int sh, int sw, int pt, int pl) {
        int oh = (h + 2 * pt - kh) / sh + 1, ow = (w + 2 * pl - kw) / sw + 1;
        if (oh <= 0 || ow <= 0) return;
        SplittableRandom r = new SplittableRandom(n * 31L + h * 7 + kw);
        float[] x = new float[3 + n * h * w * c];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
        int outLen = n * oh * ow * kh * kw * c;
        CpuStorage xs = new CpuStorage(DType.FLOAT32, x, x.length), os = new CpuStorage(DType.FLOAT32, outLen + 2);
        View xv = new View(xs, new int[] {n, h, w, c}, View.contiguousStrides(new int[] {n, h, w, c}), 3);
        int[] oshape = {n, oh, ow, kh * kw * c};
        View ov = new View(os, oshape, View.contiguousStrides(oshape), 1);
        float pad = -7.5f;
        CpuBackend.INSTANCE.patches(xv, kh, kw, sh, sw, pt, pl, pad, ov);
        float[] got = (float[]) os.array();
        assertEquals(0f, got[0], "before the output view");
        assertEquals(0f, got[outLen + 1], "after the output view");
        int k = 1;
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int p = 0; p < kh; p++)
                        for (int q = 0; q < kw; q++)
                            for (int ch = 0; ch < c; ch++, k++) {
                                int y = i * sh + p - pt, xx = j * sw + q - pl;
                                float want = y < 0 || y >= h || xx < 0 || xx >= w ? pad : x[3 + ((b * h + y) * w + xx) * c + ch];
                                assertEquals(want, got[k], "patch element b=" + b + " i=" + i + " j=" + j + " p=" + p + " q=" + q + " ch=" + ch);
                            }
    }
}
