package dev.cinch.metadata;

import java.time.Instant;

/**
 * A configured repository. The secrets are decrypted on load and print as {@code ****}.
 *
 * @param webhookSecret for verifying webhooks; null when not set
 * @param forgeToken for posting statuses; null when not set
 */
public record Repo(String id, String forgeType, String owner, String name, String cloneUrl, String htmlUrl,
                   boolean isPrivate, Secret webhookSecret, Secret forgeToken, Instant createdAt, Instant updatedAt) {
}
