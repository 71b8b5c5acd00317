package dev.cinch.metadata;

import java.time.Instant;

/** What a caller gives to create or replace forge credentials. */
public record NewForgeCredential(String forgeType, ForgeCredentialType credType, String appId, Secret privateKey,
                                 Secret accessToken, Secret refreshToken, Instant expiresAt, String owner) {
}
