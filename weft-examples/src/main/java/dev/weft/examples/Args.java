package dev.weft.examples;

/** Minimal {@code --name value} option parsing for the examples. */
final class Args {

    private Args() {
    }

    /** A bad command line: {@code ./weft example} prints the message and exits with status 2. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** The integer after {@code name}, or {@code fallback} when absent. */
    static int intOption(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                try {
                    return Integer.parseInt(args[i + 1]);
                } catch (NumberFormatException e) {
                    throw new UsageException(name + " needs a whole number, not '" + args[i + 1] + "'");
                }
            }
        }
        return fallback;
    }

    /** The number after {@code name}, or {@code fallback} when absent. */
    static double doubleOption(String[] args, String name, double fallback) {
        String v = option(args, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a number, not '" + v + "'");
        }
    }

    /** The word after {@code name}, or {@code fallback} when absent. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name)) {
                if (i == args.length - 1) {
                    throw new UsageException(name + " needs a value");
                }
                return args[i + 1];
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
