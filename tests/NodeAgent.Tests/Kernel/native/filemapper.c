/* Maps SIZE bytes of a fresh, clean file and reads every page, so they count as this process's
 * file RSS; prints the mapping's address and length, then waits to be paged out or killed. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t size = strtoull(argv[2], NULL, 10);
	int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	char block[4096];
	memset(block, 'm', sizeof block);
	for (size_t done = 0; done < size; done += sizeof block)
		if (write(fd, block, sizeof block) != sizeof block)
			return 1;
	fsync(fd); /* clean pages can be reclaimed without writeback */
	volatile char *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	unsigned long sum = 0;
	for (size_t i = 0; i < size; i += 4096)
		sum += p[i];
	printf("%lu %zu %lu\n", (unsigned long)p, size, sum);
	fflush(stdout);
	pause();
	return 0;
}
