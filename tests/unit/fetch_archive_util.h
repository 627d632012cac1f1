// Builds archives for the fetch tests with libarchive's writer, so that the
// hostile ones (absolute names, "..", links out of the target) can be made
// exactly as an attacker would.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

namespace bastion::store::testing {

struct ArchiveEntry {
  std::string name;
  mode_t type = AE_IFREG;
  mode_t perm = 0644;
  std::string data;     // contents of a regular file
  std::string symlink;  // target of a symlink
  std::string hardlink; // target of a hard link
};

inline ArchiveEntry file(std::string name, std::string data, mode_t perm = 0644) {
  return {std::move(name), AE_IFREG, perm, std::move(data), "", ""};
}
inline ArchiveEntry dir(std::string name) { return {std::move(name), AE_IFDIR, 0755, "", "", ""}; }
inline ArchiveEntry symlink(std::string name, std::string target) {
  return {std::move(name), AE_IFLNK, 0777, "", std::move(target), ""};
}
inline ArchiveEntry hardlink(std::string name, std::string target) {
  return {std::move(name), AE_IFREG, 0644, "", "", std::move(target)};
}

enum class ArchiveKind { Tar, TarGz, TarXz, TarBz2, TarZst, Zip };

// Writes `entries`, in order and with their names as given, to `path`.
inline void writeArchive(const std::string &path, const std::vector<ArchiveEntry> &entries,
                         ArchiveKind kind = ArchiveKind::TarGz) {
  archive *a = archive_write_new();
  if (kind == ArchiveKind::Zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (kind == ArchiveKind::TarGz)
      archive_write_add_filter_gzip(a);
    if (kind == ArchiveKind::TarXz)
      archive_write_add_filter_xz(a);
    if (kind == ArchiveKind::TarBz2)
      archive_write_add_filter_bzip2(a);
    if (kind == ArchiveKind::TarZst)
      archive_write_add_filter_zstd(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK) << archive_error_string(a);
  for (auto &e : entries) {
    archive_entry *entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_filetype(entry, e.type);
    archive_entry_set_perm(entry, e.perm);
    archive_entry_set_mtime(entry, 1000000000, 0);
    if (!e.symlink.empty())
      archive_entry_set_symlink(entry, e.symlink.c_str());
    if (!e.hardlink.empty())
      archive_entry_set_hardlink(entry, e.hardlink.c_str());
    if (e.type == AE_IFREG && e.hardlink.empty())
      archive_entry_set_size(entry, la_int64_t(e.data.size()));
    ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK)
        << e.name << ": " << archive_error_string(a);
    if (!e.data.empty())
      archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

// `data` compressed with xz (no archive format around it).
inline void writeXz(const std::string &path, const std::string &data) {
  archive *a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_xz(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  archive_entry *entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_pathname(entry, "data");
  ASSERT_EQ(archive_write_header(a, entry), ARCHIVE_OK);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(entry);
  ASSERT_EQ(archive_write_close(a), ARCHIVE_OK);
  archive_write_free(a);
}

} // namespace bastion::store::testing
