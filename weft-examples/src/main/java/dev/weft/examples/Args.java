package dev.weft.examples;

/** Minimal {@code --name value} option parsing for the examples. */
final class Args {

    private Args() {
    }

    /** The integer after {@code name}, or {@code fallback} when absent. */
    static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                try {
                    return Integer.parseInt(args[i + 1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " needs a number, got " + args[i + 1], e);
                }
            }
        }
        return fallback;
    }

    /** True if {@code name} is present. */
    static boolean flag(String[] args, String name) {
        for (String a : args) {
            if (a.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
