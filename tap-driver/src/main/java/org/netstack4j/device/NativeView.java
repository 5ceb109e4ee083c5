package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/**
 * Native memory views of Netty buffers, so read(2) and write(2) work in place on a direct {@link ByteBuf}
 * without a copy. Heap or composite buffers have no single native region and return {@code null}: the caller
 * copies through a scratch segment instead.
 */
@SuppressWarnings("restricted") // sizing a raw Netty address is inherently unchecked; Netty vouches for it
final class NativeView {

    private NativeView() {
    }

    /** The native memory of {@code length} bytes at {@code index} in {@code buf}, or {@code null} if it has none. */
    static MemorySegment of(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            // Unsafe-enabled Netty exposes the address directly: no ByteBuffer object per frame.
            return MemorySegment.ofAddress(buf.memoryAddress() + index).reinterpret(length);
        }
        if (buf.isDirect() && buf.nioBufferCount() == 1) {
            return MemorySegment.ofBuffer(buf.nioBuffer(index, length));
        }
        return null;
    }

    /** The native address of byte {@code index} in {@code buf}, or 0 if Netty exposes none (heap, composite). */
    static long address(ByteBuf buf, int index) {
        return buf.hasMemoryAddress() ? buf.memoryAddress() + index : 0;
    }
}
