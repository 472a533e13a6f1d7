package org.aioemu.blockdev;

/**
 * What the start of a range holds (QEMU's block status, NBD's {@code base:allocation}): {@code length} bytes from
 * {@code offset} are all allocated data, or all unallocated and reading as zeroes. A raw image answers from the file
 * system's holes (lseek's SEEK_DATA and SEEK_HOLE); data may still happen to be zeroes.
 */
public record BlockStatus(long offset, long length, boolean allocated, boolean zero) {
}
