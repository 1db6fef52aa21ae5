#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Type at the Host's serial console the way a person would.

    serial-expect.py SOCKET LOG SCRIPT

Connects to QEMU's serial line on a Unix socket, copies everything that
comes out of it into LOG, and follows SCRIPT, one command a line:

    expect REGEX            wait until the output so far matches
    send TEXT               type TEXT (\\n, \\r, \\xNN escapes allowed)
    check DESC :: REGEX     like expect, but write an LGTEST result line into
                            LOG instead of giving up when it never comes
    sleep SECONDS           let time pass

An expect that is not met within 60 seconds ends the script with a
failure line in LOG.  Matching only looks at output after the previous
match, so a prompt that appeared earlier does not satisfy a later wait.
"""
import re
import socket
import sys
import time

TIMEOUT = 60


def unescape(text):
    return text.encode('latin-1').decode('unicode_escape').encode('latin-1')


class Serial:
    def __init__(self, path, log):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(100):
            try:
                self.sock.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f'serial-expect: cannot connect to {path}')
        self.sock.settimeout(0.2)
        self.log = log
        self.seen = b''

    def pump(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.seen += data
        return True

    def wait_for(self, regex, timeout=TIMEOUT):
        pattern = re.compile(regex.encode())
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = pattern.search(self.seen)
            if m:
                self.seen = self.seen[m.end():]
                return True
            if not self.pump():
                return bool(pattern.search(self.seen))
        return False

    def send(self, data):
        # A person types one key at a time; so do we, gently, so that the
        # emulated UART's small FIFO never overflows.
        for byte in data:
            self.sock.sendall(bytes([byte]))
            time.sleep(0.01)
            self.pump()

    def drain(self):
        while self.pump():
            pass


def note(log, line):
    log.write(f'\nLGTEST {line}\n'.encode())
    log.flush()


def main():
    path, logname, script = sys.argv[1:4]
    with open(logname, 'wb') as log:
        serial = Serial(path, log)
        for raw in open(script):
            line = raw.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cmd, _, arg = line.partition(' ')
            if cmd == 'expect':
                if not serial.wait_for(arg):
                    note(log, f'not ok - serial console showed /{arg}/')
                    break
            elif cmd == 'check':
                desc, _, regex = arg.partition(' :: ')
                ok = serial.wait_for(regex)
                note(log, f'{"ok" if ok else "not ok"} - {desc}')
                if not ok:
                    break
            elif cmd == 'send':
                serial.send(unescape(arg))
            elif cmd == 'sleep':
                end = time.time() + float(arg)
                while time.time() < end and serial.pump():
                    pass
            else:
                raise SystemExit(f'serial-expect: {script}: bad line: {line}')
        serial.drain()


if __name__ == '__main__':
    main()
