package org.aioemu.bench.job;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Coverage-guided fuzzing of {@code aioemu bench}'s option parsing ({@link CommandLineJob#parse}): any argument
 * list gives a job or a {@link JobFileException} whose message names the argument — never another exception.
 *
 * <p>Most arguments are a real option name with a fuzzed value (blind bytes would rarely spell one), some are
 * fuzzed whole, some are a bare name followed by a separate value ({@code --bs 4k}).
 */
class CommandLineJobFuzzTest {
    static final List<String> NAMES = OptionTable.standard().options().stream().map(OptionSpec::name).toList();
    static final int MAX_ARGS = 12;
    static final int MAX_VALUE = 64;

    @FuzzTest(maxDuration = "2m")
    void parsesOrExplains(FuzzedDataProvider data) {
        int count = data.consumeInt(0, MAX_ARGS);
        List<String> args = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0 -> args.add(data.consumeString(MAX_VALUE));
                case 1 -> args.add("--" + data.pickValue(NAMES));
                default -> args.add("--" + data.pickValue(NAMES) + "=" + data.consumeString(MAX_VALUE));
            }
        }
        try {
            CommandLineJob.parse(args, new JobOptions(), Set.of("output-format"));
        } catch (JobFileException e) {
            JobFuzzing.assertNamesArgument(e, args);
        }
    }
}
