package io.cardstream.localstack;

/**
 * A local service failed to start or stop. The message names the service, says what went wrong and ends with the
 * tail of that service's log, so the cause is on screen without opening a file.
 */
public class LocalStackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String service;

    public LocalStackException(String service, String message, Throwable cause) {
        super(message, cause);
        this.service = service;
    }

    /** The service that failed: {@code Kafka}, {@code HBase} or {@code KDC}. */
    public String service() {
        return service;
    }
}
