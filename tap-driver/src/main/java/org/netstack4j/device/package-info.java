/**
 * Devices that move Ethernet frames between the stack and the outside: {@link org.netstack4j.device.TapDevice}
 * (a Linux TAP interface through the FFM API), {@link org.netstack4j.device.PcapLiveDevice} (an existing
 * interface through libpcap) and {@link org.netstack4j.device.PcapFileDevice} (replay of a capture file).
 *
 * <p>All of them read on a platform thread of their own, because an FFM or JNA call blocked in the kernel
 * would pin the carrier of a virtual thread.
 */
package org.netstack4j.device;
