package io.cardstream.dashboard;

import java.util.Map;

/**
 * What {@code GET /api/health} answers: UP when HBase answers and every table the dashboard reads exists, with the
 * age of the newest batch so a monitor can tell a stalled job from a healthy one.
 *
 * @param status          UP or DOWN
 * @param reason          why DOWN, else null
 * @param tables          each table the dashboard reads, and whether it exists
 * @param lastBatchTime   the newest batch's time (epoch ms), 0 when there is none
 * @param lastBatchAgeMs  how long ago that was, -1 when there is none
 */
public record Health(
        String status, String reason, Map<String, Boolean> tables, long lastBatchTime, long lastBatchAgeMs) {

    public boolean up() {
        return "UP".equals(status);
    }
}
