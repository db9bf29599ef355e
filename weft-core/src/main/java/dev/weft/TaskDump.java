package dev.weft;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A printable dump of a loop's tasks: name, phase and stack of each, in the spirit of
 * {@code jcmd Thread.dump_to_file}. Get one with {@link Weft#taskDump()} or
 * {@link #of(EventLoop)}; in debug mode the spawn site of each task is included.
 */
public final class TaskDump {

    private TaskDump() {
    }

    /**
     * The dump of {@code loop}'s unfinished tasks. Safe from any thread.
     *
     * @param loop the loop
     * @return the dump of {@code loop}'s unfinished tasks
     */
    public static String of(EventLoop loop) {
        List<Task<?>> tasks = new ArrayList<>(loop.allTasks());
        tasks.sort(Comparator.comparing(Task::name));
        StringBuilder sb = new StringBuilder();
        sb.append(loop).append(": ").append(tasks.size()).append(" task(s)\n");
        for (Task<?> t : tasks) {
            sb.append("\nTask '").append(t.name()).append("' ").append(t.phase());
            if (t.cancelling() > 0) {
                sb.append(" (cancelling)");
            }
            sb.append('\n');
            for (StackTraceElement e : t.stack()) {
                sb.append("    at ").append(e).append('\n');
            }
            if (t.spawnSite != null) {
                sb.append("  spawned at:\n");
                for (StackTraceElement e : t.spawnSite) {
                    sb.append("    at ").append(e).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
