package dev.cinch.metadata;

import java.time.Instant;

/**
 * Credentials for a forge: a GitHub App ({@code appId} + {@code privateKey}), an OAuth grant or a PAT
 * ({@code accessToken}, {@code refreshToken}, {@code expiresAt}). Secrets print as {@code ****}.
 *
 * @param owner the owner these credentials are for; null for global
 */
public record ForgeCredential(String id, String forgeType, ForgeCredentialType credType, String appId,
                              Secret privateKey, Secret accessToken, Secret refreshToken, Instant expiresAt,
                              String owner, Instant createdAt, Instant updatedAt) {
}
