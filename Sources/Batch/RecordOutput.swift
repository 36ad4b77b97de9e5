import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where a batch's records go: stdout, or a file opened for appending.
///
/// Each record goes out in one `write(2)` (the file is opened with `O_APPEND`) and, for a
/// file, is followed by `fsync`, so a crash or `kill -9` loses at most the record being
/// written, and leaves at most a piece of it at the end, which `--resume` cuts off.
/// Writes from several threads are serialized by a lock.
public final class RecordOutput: Sendable {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The file's path, or "a saída padrão".
    public let name: String
    private let lock = Mutex<Void>(())

    /// Standard output: no fsync (a pipe has nothing to sync).
    public static func standardOutput() -> RecordOutput {
        RecordOutput(descriptor: STDOUT_FILENO, owns: false, name: "a saída padrão")
    }

    private init(descriptor: Int32, owns: Bool, name: String) {
        self.descriptor = descriptor
        ownsDescriptor = owns
        self.name = name
    }

    /// Opens `path` for appending, creating it (mode 0644 less the umask) when missing, and
    /// takes an exclusive lock on it for as long as it is open: two batches writing one file
    /// would interleave and repeat records.
    ///
    /// - Throws: `BatchError.cannotOpenOutput`, or `.outputBusy` when another process holds it.
    public convenience init(appendingTo path: String) throws(BatchError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpenOutput(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw busy ? .outputBusy(path: path) : .cannotOpenOutput(path: path, reason: reason)
        }
        self.init(descriptor: descriptor, owns: true, name: path)
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// The file's current size in bytes.
    public func size() throws(BatchError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure() }
        return Int(status.st_size)
    }

    /// Cuts the file to `length` bytes (a broken last record) and syncs it.
    public func truncate(to length: Int) throws(BatchError) {
        try lock.withLock { _ throws(BatchError) in
            guard ftruncate(descriptor, off_t(length)) == 0, !ownsDescriptor || fsync(descriptor) == 0 else { throw failure() }
        }
    }

    /// Appends `text` in one write, then syncs a file to disk.
    ///
    /// Only a short write (a full disk, a signal) loops to write the rest.
    public func append(_ text: String) throws(BatchError) {
        let bytes = Array(text.utf8)
        try lock.withLock { _ throws(BatchError) in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure()
                }
                offset += written
            }
            if ownsDescriptor, fsync(descriptor) != 0 { throw failure() }
        }
    }

    private func failure() -> BatchError {
        .writeFailed(path: name, reason: String(cString: strerror(errno)))
    }
}
