package org.netstack4j.device;

/**
 * A device could not be opened or used. Unchecked because callers (the command line, tests) can only report it;
 * the message is one line meant for a person, e.g. {@code cannot open pcap on veth0: No such device exists}.
 */
public class DeviceException extends RuntimeException {

    /** Creates an exception with a one-line message. */
    public DeviceException(String message) {
        super(message);
    }

    /** Creates an exception with a one-line message and the library exception behind it. */
    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
