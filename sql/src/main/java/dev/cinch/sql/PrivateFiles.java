package dev.cinch.sql;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Owner-only modes for the data directory (0700) and the SQLite files (0600), set with an explicit chmod after
 * creating, so the process umask cannot widen (or oddly narrow) them. On file systems without POSIX permissions
 * nothing is changed.
 */
final class PrivateFiles {
    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PrivateFiles() {
    }

    /**
     * Creates {@code dir} (and missing parents, with default modes) when it does not exist, the directory itself 0700.
     * An existing directory is left as it is: it may be one the operator chose and shares on purpose.
     */
    static void createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
            return; // another process created it, and set its mode
        }
        chmod(dir, DIRECTORY);
    }

    /** Creates {@code file} empty with mode 0600 when missing; narrows an existing file to 0600 if group or others have access. */
    static void createOrNarrowFile(Path file) throws IOException {
        try {
            Files.createFile(file);
            chmod(file, FILE);
        } catch (FileAlreadyExistsException exists) {
            narrowIfExists(file);
        }
    }

    /** Narrows {@code file} to 0600 when it exists and group or others have any access to it. */
    static void narrowIfExists(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.exists(file)) {
            return;
        }
        Set<PosixFilePermission> now;
        try {
            now = view.readAttributes().permissions();
        } catch (java.nio.file.NoSuchFileException gone) {
            return; // SQLite removes -wal and -shm when the last connection closes
        }
        if (now.stream().anyMatch(GROUP_OR_OTHER::contains)) {
            view.setPermissions(FILE);
        }
    }

    private static void chmod(Path path, Set<PosixFilePermission> mode) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(mode);
        }
    }
}
