/* Takes MIB mebibytes of anonymous memory in one go, touching every page, says so, then goes quiet. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t size = strtoull(argv[1], NULL, 10) << 20;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	printf("held\n");
	fflush(stdout);
	pause();
	return 0;
}
