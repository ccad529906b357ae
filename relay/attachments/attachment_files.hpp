// AttachmentFiles: the bytes of uploaded files, outside the database (issue 17), in
// DATA_DIR/attachments/ (mode 0700) under their ids, which are random ("att_" + 32 hex
// from the relay's random source): a name says nothing of the file and cannot be
// guessed. The database holds each one's record (Store::put_attachment).
//
// Each file is one byte of format, then the content: 'P' plain, or 'S' sealed with the
// data key (--data-key-file, store/column_sealer.hpp) bound to "attachment:<id>", so a
// sealed file cannot be swapped for another's. New files are sealed whenever the relay
// seals; files written before a key was set stay readable.
//
// write() is a temporary beside the file, fsync, rename and a sync of the directory: a
// crash leaves no file or the whole one, and a file the relay acknowledged survives a
// power cut. Blocking: run it on a FileWorker, never on the event loop. Safe to call
// from one thread other than the loop (it shares nothing with the loop's store).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"
#include "store/column_sealer.hpp"

namespace parley::relay::attachments {

class AttachmentFiles {
public:
    // `dir` is created when the first file is written. `sealer`: a copy of the store's
    // (the worker thread must not share the loop's).
    AttachmentFiles(std::string dir, ColumnSealer sealer);

    Status write(const std::string& id, std::string_view content);
    Result<std::string> read(const std::string& id) const;  // the content, opened
    const std::string& dir() const { return dir_; }

    // DATA_DIR/attachments
    static std::string dir_of(const std::string& data_dir);
    // Deletes the files of these ids (erasure, retention); missing ones are no error.
    static void remove(const std::string& dir, const std::vector<std::string>& ids);

private:
    std::string path_of(const std::string& id) const;

    std::string dir_;
    ColumnSealer sealer_;
};

}  // namespace parley::relay::attachments
