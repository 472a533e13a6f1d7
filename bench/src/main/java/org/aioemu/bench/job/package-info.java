/**
 * fio's job language: the typed job model ({@link org.aioemu.bench.job.JobOptions}), the job file
 * parser ({@link org.aioemu.bench.job.JobFileParser}), {@code aioemu bench}'s fio-style arguments
 * ({@link org.aioemu.bench.job.CommandLineJob}), and the option table both read through
 * ({@link org.aioemu.bench.job.OptionTable}). Mistakes surface as
 * {@link org.aioemu.bench.job.JobFileException}, whose message names the file and line (or the argument)
 * and the option.
 *
 * <p>The reference for every value is what fio 3.33 does with it; where aioemu deliberately differs (it
 * refuses what fio silently truncates, and takes a few friendlier spellings fio refuses) the class that
 * parses it says so, and the test job files under {@code src/test/resources/jobs} pin both sides.
 */
package org.aioemu.bench.job;
