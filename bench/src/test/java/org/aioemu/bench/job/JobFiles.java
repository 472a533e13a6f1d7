package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The job files under src/test/resources/jobs, and helpers to read them. */
final class JobFiles {
    /** The environment env.fio and lenient/dollar-var.fio expect (the fio comparison passes it to fio too). */
    static final Map<String, String> ENV = Map.of("SIZE", "64m", "NUMJOBS", "4", "JOBDIR", "/tmp", "BS", "8k");

    private JobFiles() {
    }

    static Path root() {
        try {
            return Path.of(JobFiles.class.getResource("/jobs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The top-level .fio files of one category folder (good, bad, stricter, lenient), sorted. */
    static List<Path> category(String folder) {
        try (Stream<Path> s = Files.list(root().resolve(folder))) {
            return s.filter(p -> p.toString().endsWith(".fio")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JobOptions> parse(String relative) {
        return new JobFileParser(ENV).parse(path(relative));
    }

    static JobOptions job(List<JobOptions> jobs, String name) {
        return jobs.stream().filter(j -> j.name.equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no job " + name + " in " + jobs.stream().map(j -> j.name).toList()));
    }

    /** The text after "; error: " on a line of the file: the message part a rejected file must produce. */
    static String expectedError(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("; error: "))
                    .map(l -> l.substring("; error: ".length())).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " has no '; error: ' line"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line number after "; line: " in the file: where the rejected option is. */
    static int expectedLine(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("; line: "))
                    .map(l -> Integer.parseInt(l.substring("; line: ".length()).trim())).findFirst()
                    .orElseThrow(() -> new AssertionError(file + " has no '; line: ' line"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertBs(JobOptions j, int read, int write, int trim) {
        assertEquals(List.of(read, write, trim), List.of(j.bs[0], j.bs[1], j.bs[2]), j.name + " bs");
    }
}
