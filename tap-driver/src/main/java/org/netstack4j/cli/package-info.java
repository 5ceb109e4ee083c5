/**
 * The {@code netstack4j} command line: {@code run} puts a stack on a TAP device, {@code demo} runs two stacks in
 * memory, {@code replay} feeds a capture into a stack. Errors are one line on stderr and exit code 2.
 */
package org.netstack4j.cli;
