package org.aioemu.bench.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JobOptions#copy()} is written field by field, and numjobs clones and [global] templates are made with
 * it: an option whose field it forgets silently reverts to its default in every clone. Every field of a
 * type this test knows how to vary is set away from its default and must survive the copy.
 */
class JobOptionsCopyTest {
    @Test
    void everyFieldSurvivesACopy() throws Exception {
        JobOptions o = new JobOptions();
        List<String> varied = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (Field f : JobOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            if (vary(o, f)) {
                varied.add(f.getName());
            } else {
                unknown.add(f.getName() + " (" + f.getType().getSimpleName() + ")");
            }
        }
        JobOptions c = o.copy();
        List<String> lost = new ArrayList<>();
        for (Field f : JobOptions.class.getDeclaredFields()) {
            if (!varied.contains(f.getName())) {
                continue;
            }
            if (!same(f.get(o), f.get(c))) {
                lost.add(f.getName());
            }
        }
        assertEquals(List.of(), lost, "fields copy() does not carry over");
        // Arrays of records are compared by the parser tests that fill them; a new field of a type not known here
        // fails this line, so that the test is taught to vary it.
        assertEquals(List.of("bssplit (BsSplit[][])", "zones (ZoneSplit[])"), unknown);
        assertTrue(varied.size() > 100, "varied " + varied.size());
    }

    private static boolean vary(JobOptions o, Field f) throws IllegalAccessException {
        Class<?> t = f.getType();
        boolean fin = Modifier.isFinal(f.getModifiers());
        if (t.isArray()) {
            Object a = f.get(o);
            if (a == null) {
                if (fin) {
                    return false;
                }
                a = Array.newInstance(t.getComponentType(), 2);
                f.set(o, a);
            }
            if (Array.getLength(a) == 0) {
                return false;
            }
            Object v = sample(t.getComponentType(), Array.get(a, 0));
            if (v == null) {
                return false;
            }
            Array.set(a, 0, v);
            return true;
        }
        if (Map.class.isAssignableFrom(t)) {
            @SuppressWarnings("unchecked")
            Map<String, String> m = (Map<String, String>) f.get(o);
            m.put("varied", "yes");
            return true;
        }
        if (fin) {
            return false;
        }
        Object v = sample(t, f.get(o));
        if (v == null) {
            return false;
        }
        f.set(o, v);
        return true;
    }

    /** A value of {@code t} unlike {@code current}, or null for a type not known here. */
    private static Object sample(Class<?> t, Object current) {
        if (t == int.class || t == Integer.class) {
            return 12_345 + (current == null ? 0 : (Integer) current);
        } else if (t == long.class || t == Long.class) {
            return 1_234_567L + (current == null ? 0 : (Long) current);
        } else if (t == double.class) {
            return 0.5 + (Double) current;
        } else if (t == byte.class) {
            return (byte) ((Byte) current + 1);
        } else if (t == boolean.class) {
            return !(Boolean) current;
        } else if (t == String.class) {
            return "varied";
        } else if (t.isEnum()) {
            for (Object c : t.getEnumConstants()) {
                if (c != current) {
                    return c;
                }
            }
        } else if (t == org.aioemu.blockdev.FaultInjection.class) {
            return org.aioemu.blockdev.FaultInjection.parse("read:errno=EIO:nth=3");
        } else if (t.isArray() && t.getComponentType() == byte.class) {
            return new byte[] {1, 2, 3};
        } else if (t.isArray() && t.getComponentType() == int.class) {
            return new int[] {7};
        }
        return null;
    }

    private static boolean same(Object a, Object b) {
        if (a != null && a.getClass().isArray()) {
            if (b == null || Array.getLength(a) != Array.getLength(b)) {
                return false;
            }
            for (int i = 0; i < Array.getLength(a); i++) {
                if (!same(Array.get(a, i), Array.get(b, i))) {
                    return false;
                }
            }
            return true;
        }
        return java.util.Objects.equals(a, b);
    }
}
