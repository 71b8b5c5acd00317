package dev.cinch.metadata;

/** The row asked for does not exist. */
public class NotFoundException extends MetadataException {
    private final String entity;
    private final String id;

    public NotFoundException(String entity, String id) {
        super(entity + " " + id + " does not exist");
        this.entity = entity;
        this.id = id;
    }

    /** What was looked for: {@code job}, {@code worker}, {@code repo}, {@code token}, {@code forge credential}. */
    public String entity() {
        return entity;
    }

    public String id() {
        return id;
    }
}
