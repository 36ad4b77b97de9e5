import Foundation

/// Foundation's file errors in pt-BR. Its own text is English ("The file doesn't exist."),
/// and it reaches the user wherever a file is read or written (the audit log, --out, metadata).
public enum ErrorText {
    /// The error in pt-BR: Foundation and POSIX file errors translated (with the file when
    /// known), any other error's own description.
    public static func portuguese(_ error: Error) -> String {
        let error = error as NSError
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        let file = path.map { " '\($0)'" } ?? ""
        switch error.domain {
        case NSCocoaErrorDomain:
            if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
                let text = posix(Int32(underlying.code))
            {
                return "\(text)\(file.isEmpty ? "" : ":\(file)")"
            }
            switch CocoaError.Code(rawValue: error.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "o arquivo ou a pasta\(file) não existe"
            case .fileReadNoPermission: return "sem permissão para ler\(file)"
            case .fileWriteNoPermission: return "sem permissão para gravar\(file)"
            case .fileWriteOutOfSpace: return "o disco está cheio\(file.isEmpty ? "" : " (gravando\(file))")"
            case .fileWriteVolumeReadOnly: return "o disco é somente leitura\(file.isEmpty ? "" : " (gravando\(file))")"
            case .fileWriteFileExists: return "o arquivo\(file) já existe"
            case .fileReadCorruptFile: return "o arquivo\(file) está corrompido ou num formato inesperado"
            case .fileReadInapplicableStringEncoding: return "o arquivo\(file) não está em UTF-8"
            default: return "falha ao ler ou gravar\(file) (erro \(error.code) do sistema de arquivos)"
            }
        case NSPOSIXErrorDomain:
            return (posix(Int32(error.code)) ?? "erro \(error.code) do sistema") + (file.isEmpty ? "" : ":\(file)")
        default:
            return error.localizedDescription
        }
    }

    /// The errno values a user meets with files, in pt-BR.
    static func posix(_ code: Int32) -> String? {
        switch code {
        case ENOENT: return "o arquivo ou a pasta não existe"
        case EACCES, EPERM: return "sem permissão"
        case ENOSPC: return "o disco está cheio"
        case EROFS: return "o disco é somente leitura"
        case EISDIR: return "é uma pasta, não um arquivo"
        case ENOTDIR: return "uma parte do caminho não é uma pasta"
        case EEXIST: return "já existe"
        case EMFILE, ENFILE: return "arquivos abertos demais"
        default: return nil
        }
    }
}
