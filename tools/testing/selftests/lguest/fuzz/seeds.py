#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzz targets' seed corpus: seeds.py DIR (make seeds).

Each seed is something a well-behaved Guest, or a good kernel file, does,
so that the fuzzer starts from inputs that go all the way through the
Launcher's code and mutates from there.  The Guest's moves are encoded
as fuzz.h's play_guest() reads them; the numbers below are its enum.
"""
import gzip
import os
import struct
import sys

(WRITE_DESC, WRITE_CHAIN, OFFER, SET_AVAIL, WRITE_RING, KICK, SET_STATUS,
 WRITE_PAGE, NOTIFY, WRITE_RAM, SEND_INPUT) = range(11)

F_NEXT, F_WRITE = 1, 2
DRIVER_OK = 1 | 2 | 4           # ACKNOWLEDGE | DRIVER | DRIVER_OK
NO_INTERRUPT = 1                # VRING_AVAIL_F_NO_INTERRUPT
MB = 1 << 20


def vring_desc(addr, length, flags=0, nxt=0):
    return struct.pack('<QIHH', addr, length, flags, nxt)


def desc(q, i, addr, length, flags=0, nxt=0):
    return bytes([WRITE_DESC, q, i]) + vring_desc(addr, length, flags, nxt)


def chain(q, first, count, addr, length, flags=0):
    return bytes([WRITE_CHAIN, q, first, count]) + vring_desc(addr, length,
                                                               flags)


def offer(q, head):
    return bytes([OFFER, q]) + struct.pack('<H', head)


def set_avail(q, idx, flags):
    return bytes([SET_AVAIL, q]) + struct.pack('<HH', idx, flags)


def write_ring(q, offset, value):
    return bytes([WRITE_RING, q]) + struct.pack('<HH', offset, value)


def kick(q):
    return bytes([KICK, q])


def status(dev, value):
    return bytes([SET_STATUS, dev, value])


def write_page(offset, value):
    return bytes([WRITE_PAGE]) + struct.pack('<HB', offset, value)


def notify(addr):
    return bytes([NOTIFY]) + struct.pack('<I', addr)


def ram(addr, data):
    return bytes([WRITE_RAM]) + struct.pack('<IB', addr, len(data)) + data


def send(dev, data):
    return bytes([SEND_INPUT, dev, len(data)]) + data


def buffer(q, head, pieces):
    """A chain of (addr, len, flags) pieces from descriptor head on."""
    out = b''
    for n, (addr, length, flags) in enumerate(pieces):
        last = n == len(pieces) - 1
        out += desc(q, head + n, addr, length,
                    flags | (0 if last else F_NEXT), head + n + 1)
    return out + offer(q, head)


def blk_request(q, head, kind, sector, data_len, data_flags):
    """A header at 0x1000, data at 0x2000, the status byte at 0x3000."""
    hdr = struct.pack('<IIQ', kind, 0, sector)
    pieces = [(0x1000, len(hdr), 0)]
    if data_len:
        pieces.append((0x2000, data_len, data_flags))
    pieces.append((0x3000, 1, F_WRITE))
    return ram(0x1000, hdr) + buffer(q, head, pieces) + kick(q)


def elf(segments, entry, gap=0):
    """An i386 ET_EXEC with a PT_LOAD per (paddr, data, memsz), a PT_NOTE,
    the program headers gap bytes after the ELF header."""
    phoff, phnum = 52 + gap, len(segments) + 1
    ident = b'\x7fELF' + bytes([1, 1, 1]) + bytes(9)
    out = ident + struct.pack('<HHIIIIIHHHHHH', 2, 3, 1, entry, phoff, 0, 0,
                              52, 32, phnum, 0, 0, 0) + bytes(gap)
    offset = phoff + 32 * phnum
    body = b''
    for paddr, data, memsz in segments:
        out += struct.pack('<IIIIIIII', 1, offset + len(body),
                           0xc0000000 + paddr, paddr, len(data), memsz, 7,
                           4096)
        body += data
    out += struct.pack('<IIIIIIII', 4, 0, 0, 0, 0, 0, 4, 4)
    return out + body


def bzimage(payload, version=0x20c):
    """One setup sector after the boot sector, the payload after them."""
    image = bytearray(2 * 512 + len(payload))
    struct.pack_into('<B', image, 0x1f1, 1)             # setup_sects
    struct.pack_into('<H', image, 0x1fe, 0xaa55)        # boot_flag
    image[0x202:0x206] = b'HdrS'
    struct.pack_into('<H', image, 0x206, version)
    struct.pack_into('<II', image, 0x248, 0, len(payload))
    image[1024:] = payload
    return bytes(image)


def loader_seeds():
    code = bytes((i * 7 + 1) & 0xff for i in range(256))
    vmlinux = elf([(MB, code, 512)], MB + 16)
    return {
        'vmlinux': vmlinux,
        'vmlinux-two-segments': elf([(MB, code, 256), (2 * MB, code, 8192)],
                                    MB),
        'bzImage': bzimage(gzip.compress(vmlinux, mtime=0)),
        'bzImage-xz': bzimage(b'\xfd7zXZ\x00' + bytes(16)),
        # Found by the fuzzer: program headers at an odd offset.
        'vmlinux-odd-phoff': elf([(MB, code, 512)], MB + 16, gap=1),
    }


def vring_seeds():
    # The walker device: queues 0 and 1, feature bits at 5 + 2 * 8 in the
    # page, four bytes offered then four accepted.
    accept_notify_on_empty = write_page(21 + 4 + 3, 1)
    return {
        'one-buffer': buffer(0, 0, [(0x1000, 100, 0), (0x2000, 200, 0),
                                    (0x3000, 50, F_WRITE)]) + kick(0),
        'three-buffers': buffer(1, 5, [(0x1000, 8, 0)]) +
        buffer(1, 9, [(0x2000, 4096, F_WRITE), (0x4000, 4096, F_WRITE)]) +
        buffer(1, 20, [(0x8000, 1, 0)]) + kick(1),
        'long-chain': chain(0, 0, 200, 0x1000, 512) + offer(0, 0) + kick(0),
        'quiet-ring': set_avail(0, 0, NO_INTERRUPT) +
        accept_notify_on_empty + buffer(0, 0, [(0x1000, 16, 0)]) + kick(0),
        'used-index': write_ring(1, 8192 + 2, 300) +
        buffer(1, 0, [(0x1000, 16, F_WRITE)]) + kick(1),
    }


def block_seeds(q=0, dev=0):
    ready = status(dev, DRIVER_OK)
    return {
        'read': ready + blk_request(q, 0, 0, 0, 512, F_WRITE),
        'write': ready + blk_request(q, 0, 1, 1, 1024, 0),
        'flush': ready + blk_request(q, 0, 4, 0, 0, 0),
        'get-id': ready + blk_request(q, 0, 8, 0, 20, F_WRITE),
        'barrier-write': ready + blk_request(q, 0, 0x80000001, 8, 512, 0),
        'unsupported': ready + blk_request(q, 0, 11, 0, 0, 0),
        'scatter-write': ready + ram(0x1000, struct.pack('<IIQ', 1, 0, 0)) +
        desc(q, 0, 0x1000, 16, F_NEXT, 1) +
        chain(q, 1, 8, 0x2000, 4096) +
        write_ring(q, 9 * 16 - 4, F_NEXT) + write_ring(q, 9 * 16 - 2, 9) +
        desc(q, 9, 0x3000, 1, F_WRITE) + offer(q, 0) + kick(q),
        'kick-before-ready': blk_request(q, 0, 0, 0, 512, F_WRITE) + ready,
        'reset': ready + blk_request(q, 0, 0, 0, 512, F_WRITE) +
        status(dev, 0) + blk_request(q, 0, 0, 1, 512, F_WRITE),
        # Found by the fuzzer: a sector whose byte offset overflows.
        'huge-sector': ready + blk_request(q, 0, 0, 1 << 63, 512, F_WRITE),
        # Found by the fuzzer: 64 pieces of 64 MB, as a 64 MB Guest can
        # offer, add up to 4 GB, which is 0 in a 32-bit size_t.
        'write-4-gb': ready + ram(0x1000, struct.pack('<IIQ', 1, 0, 0)) +
        desc(q, 0, 0x1000, 16, F_NEXT, 1) + chain(q, 1, 64, 0, 64 * MB) +
        write_ring(q, 65 * 16 - 4, F_NEXT) + write_ring(q, 65 * 16 - 2, 65) +
        desc(q, 65, 0x3000, 1, F_WRITE) + offer(q, 0) + kick(q),
    }


def read_only_seeds():
    # The block target's second disk (device and queue 1) is read only.
    ready = status(1, DRIVER_OK)
    return {
        'read-only-write': ready + blk_request(1, 0, 1, 0, 512, 0),
        'read-only-read': ready + blk_request(1, 0, 0, 127, 512, F_WRITE),
    }


def net_seeds(rx=0, tx=1, dev=0):
    frame = bytes(10) + b'\xff' * 6 + b'\x02\x4c\x47\x00\x00\x01' + \
        b'\x08\x06' + bytes(28)
    return {
        'transmit': ram(0x1000, frame) +
        buffer(tx, 0, [(0x1000, 10, 0), (0x100a, len(frame) - 10, 0)]) +
        kick(tx),
        'receive': buffer(rx, 0, [(0x4000, 2048, F_WRITE)]) + kick(rx) +
        send(dev, frame),
        'receive-scattered': buffer(rx, 0, [(0x4000, 10, F_WRITE),
                                            (0x5000, 1514, F_WRITE)]) +
        kick(rx) + send(dev, frame) + send(dev, frame[:20]),
    }


def early_console_seeds():
    end = 16 * MB
    return {
        'hello': ram(0x1000, b'Hello from the Guest\n\0') + notify(0x1000),
        'last-bytes': ram(end - 8, b'12345678') + notify(end - 8),
    }


def notify_seeds():
    # Devices in order: disk (queue 0), net (1, 2), rng (3), console (4, 5).
    seeds = {'disk-' + k: v for k, v in block_seeds(0, 0).items()
             if k in ('read', 'write', 'reset')}
    seeds.update({'net-' + k: v for k, v in net_seeds(1, 2, 1).items()})
    seeds.update({
        'rng': status(2, DRIVER_OK) +
        buffer(3, 0, [(0x1000, 64, F_WRITE)]) + kick(3),
        'console-output': ram(0x1000, b'login: ') +
        buffer(5, 0, [(0x1000, 7, 0)]) + kick(5),
        'console-input': buffer(4, 0, [(0x2000, 64, F_WRITE)]) + kick(4) +
        send(3, b'root\r'),
        'console-three-ctrl-c': b''.join(
            buffer(4, i, [(0x2000 + i * 64, 64, F_WRITE)]) + kick(4) +
            send(3, b'\x03') for i in range(3)),
        'all-ready': b''.join(status(d, DRIVER_OK) for d in range(4)),
        'failed-driver': status(1, 0x80),
        'early-console': ram(0x1000, b'early\n\0') + notify(0x1000),
        'feature-bits': write_page(5 + 8 + 1 + 1, 0xff) +
        status(0, DRIVER_OK) + blk_request(0, 0, 4, 0, 0, 0),
        # An empty first piece for a key, at the very end of Guest memory:
        # 16 MB of RAM, the device page and six rings of three pages.
        'console-empty-piece': desc(4, 0, 16 * MB + 19 * 4096, 0,
                                    F_WRITE | F_NEXT, 1) +
        desc(4, 1, 0x2000, 64, F_WRITE) + offer(4, 0) + kick(4) +
        send(3, b'\x03'),
    })
    return seeds


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else 'corpus'
    targets = {
        'loader': loader_seeds(),
        'vring': vring_seeds(),
        'notify': notify_seeds(),
        'block': {**block_seeds(), **read_only_seeds()},
        'net': net_seeds(),
        'early_console': early_console_seeds(),
    }
    for target, seeds in targets.items():
        os.makedirs(os.path.join(top, target), exist_ok=True)
        for name, data in seeds.items():
            with open(os.path.join(top, target, name), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main()
