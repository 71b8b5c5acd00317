package dev.cinch.metadata;

/** What a caller gives to configure a repository. Secrets may be null. */
public record NewRepo(String forgeType, String owner, String name, String cloneUrl, String htmlUrl, boolean isPrivate,
                      Secret webhookSecret, Secret forgeToken) {
}
