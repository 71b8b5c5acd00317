package dev.cinch.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code jobs.env_json}: a JSON object of variable names to values. Names are stored in plaintext; values, which may
 * be credentials, are encrypted when a key is configured, each as {@code {"enc": "v2:<keyId>:<data>"}} bound to its
 * job, repo and name ({@link SecretColumns#env}). Without a key, values are stored as plain JSON strings (the README
 * says so); {@code keys rotate} encrypts those once a key is set.
 */
final class JobEnv {
    static final String ENCRYPTED_FIELD = "enc";

    /** One stored value: plaintext, or an envelope to decrypt. */
    record StoredValue(String plaintext, byte[] envelope) {
        boolean encrypted() {
            return envelope != null;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final SecretCipher cipher;

    JobEnv(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** The JSON to store: values encrypted at {@code version} when a key is configured. */
    String encode(Map<String, String> env, String jobId, String repoId, long version) {
        ObjectNode node = json.createObjectNode();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            if (cipher.canEncrypt()) {
                byte[] envelope = cipher.encrypt(SecretColumns.env(e.getKey(), jobId, version, repoId), Secret.of(e.getValue()));
                node.putObject(e.getKey()).put(ENCRYPTED_FIELD, SecretCipher.toText(envelope));
            } else {
                node.put(e.getKey(), e.getValue());
            }
        }
        return node.toString();
    }

    /** Writes stored values back, encrypting each at {@code version} (key rotation). */
    String encodeEncrypted(Map<String, Secret> env, String jobId, String repoId, long version) {
        ObjectNode node = json.createObjectNode();
        for (Map.Entry<String, Secret> e : new TreeMap<>(env).entrySet()) {
            byte[] envelope = cipher.encrypt(SecretColumns.env(e.getKey(), jobId, version, repoId), e.getValue());
            node.putObject(e.getKey()).put(ENCRYPTED_FIELD, SecretCipher.toText(envelope));
        }
        return node.toString();
    }

    /** The stored values, not decrypted. */
    Map<String, StoredValue> parse(String stored, String jobId, String repoId, long version) {
        JsonNode node;
        try {
            node = json.readTree(stored);
        } catch (JsonProcessingException e) {
            throw new MetadataException("jobs.env_json of job " + jobId + " holds invalid JSON");
        }
        Map<String, StoredValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), new StoredValue(v.asText(), null));
            } else if (v.isObject() && v.path(ENCRYPTED_FIELD).isTextual() && v.size() == 1) {
                SecretBinding binding = SecretColumns.env(e.getKey(), jobId, version, repoId);
                out.put(e.getKey(), new StoredValue(null, SecretCipher.fromText(binding, v.get(ENCRYPTED_FIELD).asText())));
            } else {
                throw new EncryptionException("jobs.env_json[" + e.getKey() + "] of " + jobId
                        + " is neither a string nor an encrypted value; it cannot be read");
            }
        }
        return out;
    }

    /** The environment, decrypted. */
    Map<String, String> decode(String stored, String jobId, String repoId, long version) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, StoredValue> e : parse(stored, jobId, repoId, version).entrySet()) {
            StoredValue v = e.getValue();
            out.put(e.getKey(), v.encrypted()
                    ? cipher.decrypt(SecretColumns.env(e.getKey(), jobId, version, repoId), v.envelope()).reveal()
                    : v.plaintext());
        }
        return out;
    }
}
