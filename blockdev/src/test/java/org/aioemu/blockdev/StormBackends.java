package org.aioemu.blockdev;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.aioemu.aio.AioEngines;
import org.aioemu.engine.AioContext;
import org.aioemu.engine.ErrnoException;

/**
 * The storm's images and the backend currently open on each, in one context. The chaos thread closes a backend and
 * opens a new one on the same image (another engine, maybe) while requests race it; the loop reads the current one
 * when a request starts, so a request may meet a backend that is closing or closed, which must refuse it with EBADF.
 * An image may have fault rules, which every backend opened on it gets.
 *
 * <p>Threading: {@link #current} from any thread (an acquire load of the slot); {@link #reopen} and {@link #closeAll}
 * from the chaos thread only.
 */
final class StormBackends {
    private static final String[] ENGINES = {"threads", "threads", "io_uring", "sync"};

    private final AioContext ctx;
    private final Path[] images;
    private final String[] formats;
    private final FaultInjection[] faults;
    private final AtomicReferenceArray<BlockBackend> open;

    StormBackends(AioContext ctx, Path[] images, String[] formats, FaultInjection[] faults, SplittableRandom rnd)
            throws ErrnoException {
        this.ctx = ctx;
        this.images = images;
        this.formats = formats;
        this.faults = faults;
        this.open = new AtomicReferenceArray<>(images.length);
        for (int i = 0; i < images.length; i++) {
            open.set(i, openOne(i, rnd));
        }
    }

    BlockBackend current(int image) {
        return open.getAcquire(image);
    }

    /** Chaos thread: closes image {@code i}'s backend (it drains what reached it) and opens another on the image. */
    void reopen(int i, SplittableRandom rnd) throws ErrnoException {
        BlockBackend old = open.get(i);
        old.close();
        open.setRelease(i, openOne(i, rnd));
    }

    private BlockBackend openOne(int i, SplittableRandom rnd) throws ErrnoException {
        String engine = ENGINES[rnd.nextInt(ENGINES.length)];
        if (AioEngines.unavailability(engine) != null) {
            engine = "threads";
        }
        return BlockBackend.open(ctx, images[i], BlockBackendOptions.defaults().withEngine(engine).withFormat(formats[i])
                .withFaults(faults[i]));
    }

    String describe() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            BlockBackend b = open.get(i);
            s.append(i == 0 ? "" : ", ").append(b.format()).append('/').append(b.engineName());
        }
        return s.toString();
    }
}
