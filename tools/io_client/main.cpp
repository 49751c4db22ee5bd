#include <iostream>

#include "io_client.hpp"

int main(int argc, char** argv) { return camemu::io_client::run(argc, argv, std::cout, std::cerr); }
