#include <stdio.h>
#include "generated/version.h"
int main(void) { printf("keel version %s\n", KEEL_VERSION); return 0; }
