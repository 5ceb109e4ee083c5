package org.netstack4j.service;

import org.netstack4j.tcp.StreamHandler;
import org.netstack4j.tcp.TcpConnection;

/**
 * RFC 864 character generator on the stack's thread: fills the send queue with lines of 72 printable
 * characters, each line starting one character later than the one before, for as long as the client stays.
 * What the client sends is dropped. The text repeats after 95 lines, so one block of 95 lines is written over
 * and over; each connection remembers where in it it stopped.
 */
final class ChargenHandler implements StreamHandler {
    private static final int LINE = 74;
    private static final byte[] BLOCK = block();
    private int position;

    private static byte[] block() {
        byte[] b = new byte[95 * LINE];
        for (int line = 0; line < 95; line++) {
            for (int i = 0; i < 72; i++) {
                b[line * LINE + i] = (byte) (32 + (line + i) % 95);
            }
            b[line * LINE + 72] = '\r';
            b[line * LINE + 73] = '\n';
        }
        return b;
    }

    @Override
    public boolean onReadiness(TcpConnection c) {
        c.skip(c.readable());
        int room;
        while ((room = c.writable()) > 0) {
            int n = c.write(BLOCK, position, Math.min(room, BLOCK.length - position));
            if (n == 0) {
                break;
            }
            position = (position + n) % BLOCK.length;
        }
        // Linux's chargen (inetd) writes until the write fails: the peer's FIN alone does not stop it.
        return true;
    }
}
