// Names of the enumerated options (the spellings shared with Python), written once per
// option as a table: parsing, naming and the error message all read the same table.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace robstat {

/// One spelling of an enumerator.
template <class E> struct named {
    std::string_view name;
    E value;
};

/// The enumerator spelled s in table; otherwise std::invalid_argument
/// "<what> must be one of 'a', 'b', ... (got 's')".
template <class E, std::size_t N>
E parse_name(std::string_view s, const named<E> (&table)[N], std::string_view what)
{
    for (const named<E>& e : table) {
        if (s == e.name)
            return e.value;
    }
    std::string msg(what);
    msg += " must be one of ";
    for (std::size_t i = 0; i < N; ++i) {
        msg += i ? ", '" : "'";
        msg += table[i].name;
        msg += "'";
    }
    msg += " (got '";
    msg += s;
    msg += "')";
    throw std::invalid_argument(msg);
}

/// The first spelling of v in table ("" if v has none).
template <class E, std::size_t N>
constexpr std::string_view name_of(E v, const named<E> (&table)[N]) noexcept
{
    for (const named<E>& e : table) {
        if (e.value == v)
            return e.name;
    }
    return {};
}

} // namespace robstat
