package dev.cinch.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON encoding of label / scope lists and env maps, with the checks both dialects rely on. */
public final class Labels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Labels() {
    }

    /**
     * Parses labels given as JSON text (an API body, a config value).
     *
     * @throws InvalidInputException unless {@code json} is a JSON array of strings
     */
    public static List<String> parseJson(String field, String json) {
        JsonNode node;
        try {
            node = json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, "is not valid JSON (expected an array of strings such as [\"linux\", \"amd64\"])");
        }
        if (node == null || !node.isArray()) {
            throw new InvalidInputException(field, "must be a JSON array of strings such as [\"linux\", \"amd64\"], got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual()) {
                throw new InvalidInputException(field, "must hold only strings, found " + element.getNodeType().name().toLowerCase());
            }
            out.add(Strings.text(field, element.asText()));
        }
        return List.copyOf(out);
    }

    static String toJson(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings always serialises", e);
        }
    }

    static String mapToJson(Map<String, String> values) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(values));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    static List<String> listFromJson(String field, String json) {
        return parseJson(field, json);
    }

    static Map<String, String> mapFromJson(String field, String json) {
        try {
            JsonNode node = JSON.readTree(json);
            Map<String, String> out = new TreeMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (JsonProcessingException e) {
            throw new MetadataException(field + " holds invalid JSON");
        }
    }
}
