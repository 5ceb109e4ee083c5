package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Names the kernel would refuse are rejected before any syscall, with a message a person can act on. */
class TapDeviceNameTest {

    @Test
    void tooLongNameGivesOneLineError() {
        String name = "n4t-much-too-long-20";
        DeviceException e = assertThrows(DeviceException.class, () -> TapDevice.open(name, 1500));
        assertEquals("invalid interface name \"n4t-much-too-long-20\": 20 bytes, the kernel allows at most 15",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void slashInNameIsRejected() {
        DeviceException e = assertThrows(DeviceException.class, () -> TapDevice.open("a/b", 1500));
        assertEquals("invalid interface name \"a/b\": it may not be . or .. nor contain '/', ':', NUL or whitespace",
                e.getMessage());
    }

    @Test
    void tooSmallMtuIsRejected() {
        DeviceException e = assertThrows(DeviceException.class, () -> TapDevice.open("n4tmtu", 60));
        assertEquals("invalid MTU 60 for n4tmtu: at least 68", e.getMessage());
    }
}
