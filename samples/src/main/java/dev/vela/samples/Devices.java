/*
 * Tutorial 4, first part: the local devices (device_lib.list_local_devices()): the CPU, each GPU with its memory
 * and compute capability, or why no GPU can be used.
 */
package dev.vela.samples;

import dev.vela.Device;
import java.io.PrintStream;
import java.util.List;

/**
 * Prints {@link Device#list()}, the default device, and whether {@code cuda:0} can be used (with the reason
 * when it cannot).
 *
 * <pre>{@code
 * $ ./vela sample Devices
 * }</pre>
 */
public final class Devices {

    static final String NAME = "Devices";

    private Devices() {
    }

    /** The listed devices, and the reason CUDA cannot be used (null when it can). */
    record Result(List<String> devices, String cudaProblem) {
    }

    public static void main(String[] args) throws Exception {
        Cli.main(args, Devices::run);
    }

    static Result run(String[] args) {
        PrintStream out = System.out;
        Cli cli = Cli.parse(NAME, args, Cli.options());
        out.println(cli.banner());
        out.println();
        out.println("Device.list():");
        List<String> devices = Device.list();
        for (String d : devices) out.println("  " + d);
        out.println();
        out.println("default device: " + Device.defaultDevice()
                + "   (vela.device property, VELA_DEVICE, ~/.vela/vela.json, else cpu; or --device)");
        String problem = null;
        Device cuda = Device.cuda(0);
        try {
            cuda.backend();
            out.println(cuda + ": usable");
        } catch (RuntimeException e) {
            problem = e.getMessage();
            out.println(cuda + ": not usable: " + problem);
        }
        return new Result(devices, problem);
    }
}
