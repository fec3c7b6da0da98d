// The data-protection register (Ley 21.719): the deadline calendar (30 días corridos from receipt,
// one extension of 30 more, across months, leap years and the year's end), and on SQLite and
// PostgreSQL the identifying fields as ciphertext covered by key rotation and the overdue job
// (flags once, never a request already answered).
#include <gtest/gtest.h>

#include "../support/databases.h"
#include "dataprotection/module.h"
#include "store/encrypted_fields.h"
#include "store/query.h"

namespace eq::dataprotection {
namespace {

TEST(DataProtectionDeadline, ThirtyCalendarDaysFromReceiptAndThirtyMoreWhenExtended) {
  EXPECT_EQ(deadline("2026-12-01", false), "2026-12-31");
  EXPECT_EQ(deadline("2026-12-01", true), "2027-01-30");
  EXPECT_EQ(deadline("2026-12-15", false), "2027-01-14");  // over the year's end, holidays counted
  EXPECT_EQ(deadline("2027-02-01", false), "2027-03-03");  // February of 28 days
  EXPECT_EQ(deadline("2028-02-01", false), "2028-03-02");  // leap year
  EXPECT_EQ(deadline("2028-01-30", true), "2028-03-30");
}

TEST(DataProtectionDeadline, OnlyRealCalendarDaysAreAccepted) {
  EXPECT_TRUE(civil_days("2028-02-29"));
  EXPECT_FALSE(civil_days("2027-02-29"));
  EXPECT_FALSE(civil_days("2026-02-31"));
  EXPECT_FALSE(civil_days("2026-13-01"));
  EXPECT_FALSE(civil_days("2026-1-05"));
  EXPECT_FALSE(civil_days("01-12-2026"));
  EXPECT_FALSE(civil_days(""));
  EXPECT_EQ(deadline("2026-02-31", false), "");
  for (int64_t d = 20'000; d < 21'500; ++d) ASSERT_EQ(civil_days(civil_date(d)), d) << civil_date(d);
}

TEST(DataProtectionDeadline, TheDeadlineDayItselfIsStillInTime) {
  EXPECT_FALSE(overdue("2026-12-31", "2026-12-31"));
  EXPECT_TRUE(overdue("2026-12-31", "2027-01-01"));
  EXPECT_FALSE(overdue("2027-01-30", "2027-01-01"));
  // Today is the calendar day in Chile: 02:30 UTC on 1 January is still 31 December in Santiago.
  EXPECT_EQ(today_cl(1798770600000LL), "2026-12-31");
}

class DataProtectionStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<store::Migration> schema = audit::migrations();
    const auto mine = migrations();
    schema.insert(schema.end(), mine.begin(), mine.end());
    auto opened = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(opened) << opened.error().message;
    db_ = std::move(*opened);
    log_ = std::make_unique<audit::Log>(*db_);
    svc_ = std::make_unique<Service>(*db_, keys_, *log_, PersonalDataSources{}, Inventory{});
  }
  int64_t count(const std::string& sql) {
    auto session = db_->lease();
    return store::Query(sql).scalar(**session).value_or(-1);
  }
  int64_t insert(const std::string& received_on, const std::string& state) {
    SubjectRequest r;
    r.kind = "supresion";
    r.rut = "11111111-1";
    r.requester_name = "Ana Pérez Soto";
    r.detail = "Borrar mi denuncia de 2025";
    r.received_on = received_on;
    r.deadline_on = deadline(received_on, false);
    r.state = state;
    r.created_at = r.updated_at = 1'000;
    auto lease = db_->lease();
    return svc_->repo().insert(**lease, r);
  }
  crypto::Keys keys_ = crypto::Keys::from_master(std::string(32, 'k'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(DataProtectionStore, IdentifyingFieldsAreCiphertextAndRotate) {
  const int64_t id = insert("2026-12-02", "recibida");
  EXPECT_EQ(count("SELECT COUNT(*) FROM dataprotection_requests WHERE rut_enc LIKE 'v1.%' AND name_enc LIKE 'v1.%' AND detail_enc LIKE 'v1.%'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM dataprotection_requests WHERE rut_enc LIKE '%11111111%' OR name_enc LIKE '%rez%'"), 0);
  const auto fields = encrypted_fields();
  const auto next = crypto::Keys::from_master(std::string(32, 'n'));
  auto rotated = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> { return store::rekey(s, fields, keys_, next); });
  ASSERT_TRUE(rotated) << rotated.error().message;
  Repository after(next);
  auto lease = db_->lease();
  auto back = after.find(**lease, id);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->rut, "11111111-1");
  EXPECT_EQ(back->requester_name, "Ana Pérez Soto");
  // The blind index was re-made under the new key (what insert computes from the canonical RUT).
  EXPECT_EQ(store::Query("SELECT COUNT(*) FROM dataprotection_requests WHERE rut_bidx = :b")
                .bind("b", next.blind_index("rut:11111111-1"))
                .scalar(**lease)
                .value_or(0),
            1);
  EXPECT_TRUE(store::verify_keys(**lease, fields, next));
  EXPECT_FALSE(store::verify_keys(**lease, fields, keys_));
}

TEST_P(DataProtectionStore, TheJobFlagsOpenRequestsPastTheirDeadlineOnce) {
  const int64_t late = insert("2026-12-01", "en_analisis");     // deadline 2026-12-31
  const int64_t answered = insert("2026-12-01", "respondida");  // answered: never overdue
  const int64_t in_time = insert("2026-12-20", "recibida");     // deadline 2027-01-19
  // 2027-01-05 12:00 UTC.
  const int64_t now = 1'799'150'400'000LL;
  ASSERT_EQ(today_cl(now), "2027-01-05");
  auto n = svc_->flag_overdue(now);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM dataprotection_requests WHERE overdue_flagged_at IS NOT NULL AND id = " + std::to_string(late)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM dataprotection_requests WHERE overdue_flagged_at IS NOT NULL AND id IN (" + std::to_string(answered) +
                  ", " + std::to_string(in_time) + ")"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'dataprotection.request_overdue'"), 1);
  auto again = svc_->flag_overdue(now + 86'400'000);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);  // flagged once
}

INSTANTIATE_TEST_SUITE_P(Backends, DataProtectionStore, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::dataprotection
