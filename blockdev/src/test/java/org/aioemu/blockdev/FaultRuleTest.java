package org.aioemu.blockdev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.aioemu.engine.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule language: each key lands where it should, the text form reads back, and a bad rule says what is wrong. */
class FaultRuleTest {
    @Test
    void keysLandInTheRule() {
        FaultRule r = FaultRule.parse("write:errno=ENOSPC:after=100");
        assertEquals(new FaultRule(FaultRule.Op.WRITE, FaultRule.Trigger.AFTER, 100, 0, 0, FaultRule.Action.FAIL,
                Errno.ENOSPC, 0), r);
        assertEquals(FaultRule.Action.FAIL, FaultRule.parse("read").action());
        assertEquals(Errno.EIO, FaultRule.parse("read").errno(), "errno=EIO is the default action");
        assertEquals(4096, FaultRule.parse("read:short=4k").amount());
        assertEquals(0.25, FaultRule.parse("any:delay=20:prob=25%:seed=9").prob());
        assertEquals(9, FaultRule.parse("any:delay=20:prob=0.25:seed=9").seed());
        assertEquals(Errno.EAGAIN, FaultRule.parse("flush:errno=eagain:nth=2").errno());
        assertEquals(28, FaultRule.parse("discard:errno=28").errno());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "read:errno=EIO:every=3", "write:errno=ENOSPC:after=0", "flush:errno=EINTR:nth=1", "any:delay=20:prob=0.1:seed=7",
            "read:corrupt=4:nth=2", "write:short=512", "discard:errno=EAGAIN"})
    void textFormReadsBack(String text) {
        FaultRule r = FaultRule.parse(text);
        assertEquals(text, r.toString());
        assertEquals(r, FaultRule.parse(r.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "reed:errno=EIO | 'reed' is not an operation",
            "read:errno=EFOO | errno=EFOO: expected EIO, ENOSPC, EAGAIN, EINTR",
            "read:every=0 | every=0: expected a count of at least 1",
            "read:every=x | every=x: expected a whole number",
            "read:every=2:nth=3 | give one of every=, nth=, after=, prob=, not two",
            "read:errno=EIO:delay=3 | give one of errno=, short=, delay=, corrupt=, not two",
            "read:prob=1.5 | prob=1.5: expected a fraction from 0 to 1",
            "flush:short=512 | short= applies to read and write, not flush",
            "write:corrupt=1 | corrupt= flips bits in data read",
            "read:colour=red | unknown key 'colour'",
            "read:every | 'every' is not KEY=VALUE",
            "read:delay=0 | delay=0: expected 1 to 3600000 milliseconds"})
    void badRulesSayWhatIsWrong(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FaultRule.parse(text));
        assertTrue(e.getMessage().startsWith("bad fault rule '" + text + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'), "one line");
    }

    @Test
    void injectionListsRulesInOrder() {
        FaultInjection f = FaultInjection.parse("read:errno=EIO:every=3;flush:errno=EIO:nth=1");
        assertEquals(2, f.rules().size());
        assertEquals(FaultRule.Op.FLUSH, f.rules().get(1).op());
        assertEquals(f, FaultInjection.parse(f.toString()));
        assertEquals(f, FaultInjection.of(FaultRule.fail(FaultRule.Op.READ, Errno.EIO).every(3))
                .plus(FaultRule.fail(FaultRule.Op.FLUSH, Errno.EIO).nth(1)));
        assertTrue(FaultInjection.parse("").isEmpty());
    }
}
